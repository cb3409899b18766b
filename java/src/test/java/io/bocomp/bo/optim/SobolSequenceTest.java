package io.bocomp.bo.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SobolSequenceTest {
  @Test
  void unscrambledPointsMatchTheJoeKuoReference() {
    // first 8 points of SciPy's qmc.Sobol(5, scramble=False), which uses the same direction numbers
    double[][] expected = {
      {0, 0, 0, 0, 0},
      {0.5, 0.5, 0.5, 0.5, 0.5},
      {0.75, 0.25, 0.25, 0.25, 0.75},
      {0.25, 0.75, 0.75, 0.75, 0.25},
      {0.375, 0.375, 0.625, 0.875, 0.375},
      {0.875, 0.875, 0.125, 0.375, 0.875},
      {0.625, 0.125, 0.875, 0.625, 0.625},
      {0.125, 0.625, 0.375, 0.125, 0.125},
    };
    SobolSequence s = SobolSequence.unscrambled(5);
    for (double[] e : expected) {
      assertThat(s.next()).containsExactly(e);
    }
  }

  @Test
  void everyDimensionIsStratifiedOverPowersOfTwo() {
    // a (t, s)-net property that scrambling preserves: each of 2^k equal bins of every coordinate holds
    // exactly 2^(m-k) of the first 2^m points
    for (SobolSequence s : new SobolSequence[] {SobolSequence.unscrambled(128), SobolSequence.scrambled(128, 99)}) {
      int m = 1024;
      double[] p = s.next(m);
      for (int j = 0; j < 128; j++) {
        int[] bins = new int[32];
        for (int i = 0; i < m; i++) {
          double u = p[i * 128 + j];
          assertThat(u).isBetween(0.0, 1.0);
          bins[(int) (u * 32)]++;
        }
        for (int b : bins) {
          assertThat(b).as("dimension %d", j).isEqualTo(32);
        }
      }
    }
  }

  @Test
  void scramblingIsSeededAndSkipMatchesNext() {
    double[] a = SobolSequence.scrambled(7, 5).next(16);
    double[] b = SobolSequence.scrambled(7, 5).next(16);
    double[] c = SobolSequence.scrambled(7, 6).next(16);
    assertThat(a).containsExactly(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a[0]).as("scrambled sequence does not start at the origin").isNotZero();
    SobolSequence s = SobolSequence.scrambled(7, 5);
    s.skip(9);
    assertThat(s.next()).containsExactly(java.util.Arrays.copyOfRange(a, 9 * 7, 10 * 7));
  }

  @Test
  void rejectsUnsupportedDimensions() {
    assertThatThrownBy(() -> SobolSequence.scrambled(129, 1)).hasMessageContaining("128");
    assertThatThrownBy(() -> SobolSequence.unscrambled(0)).hasMessageContaining("128");
  }
}

package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Blas}'s SSYRK and LAPACK doors against double-precision sums on small awkward sizes, and
 * their extent checks: an operand that does not fit is an {@link IllegalArgumentException} naming
 * the routine and the operand, before any native call.
 */
class BlasTest {

  private static FloatBuffer random(long seed, int n) {
    Random r = new Random(seed);
    FloatBuffer b = Tensor.allocate(n);
    for (int i = 0; i < n; i++) {
      b.put(i, (float) r.nextGaussian());
    }
    return b;
  }

  @Test
  void ssyrkUpperWritesTheUpperTriangleOfAAt() {
    int n = 7;
    int k = 5;
    FloatBuffer a = random(1, 2 + n * k); // at offset 2
    FloatBuffer c = Tensor.allocate(n * n);
    Blas.ssyrkUpper(n, k, 1f, a, 2, k, 0f, c, 0, n);
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double sum = 0;
        for (int t = 0; t < k; t++) {
          sum += (double) a.get(2 + i * k + t) * a.get(2 + j * k + t);
        }
        assertThat((double) c.get(i * n + j)).isCloseTo(sum, within(1e-4));
      }
    }
  }

  @Test
  void sgesddReconstructsAColumnMajorMatrix() {
    int m = 5;
    int n = 3;
    FloatBuffer a = random(2, m * n);
    float[] orig = new float[m * n];
    a.get(0, orig);
    FloatBuffer s = Tensor.allocate(n);
    FloatBuffer u = Tensor.allocate(m * n);
    FloatBuffer vt = Tensor.allocate(n * n);
    assertThat(Blas.sgesdd(m, n, a, m, s, u, m, vt, n)).isZero();
    assertThat(s.get(0)).isGreaterThanOrEqualTo(s.get(1));
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double v = 0;
        for (int r = 0; r < n; r++) {
          v += (double) u.get(r * m + i) * s.get(r) * vt.get(j * n + r);
        }
        assertThat(v).isCloseTo(orig[j * m + i], within(1e-4));
      }
    }
  }

  @Test
  void ssyevdLowerGivesAscendingEigenpairs() {
    FloatBuffer a = Tensor.allocate(4);
    a.put(0, 2f).put(1, 1f).put(2, 0f).put(3, 2f); // lower triangle of [[2, 1], [1, 2]]
    FloatBuffer w = Tensor.allocate(2);
    assertThat(Blas.ssyevdLower(2, a, 2, w)).isZero();
    assertThat((double) w.get(0)).isCloseTo(1, within(1e-5));
    assertThat((double) w.get(1)).isCloseTo(3, within(1e-5));
    // eigenvector of 3 is (1, 1) / sqrt 2, up to sign
    assertThat((double) Math.abs(a.get(2))).isCloseTo(Math.sqrt(0.5), within(1e-5));
    assertThat((double) (a.get(2) * a.get(3))).isCloseTo(0.5, within(1e-5));
  }

  @Test
  void sgeqrfThenSorgqrGiveOrthonormalColumns() {
    int m = 9;
    int n = 4;
    FloatBuffer a = random(3, m * n);
    FloatBuffer tau = Tensor.allocate(n);
    assertThat(Blas.sgeqrf(m, n, a, m, tau)).isZero();
    assertThat(Blas.sorgqr(m, n, n, a, m, tau)).isZero();
    for (int p = 0; p < n; p++) {
      for (int q = 0; q < n; q++) {
        double dot = 0;
        for (int i = 0; i < m; i++) {
          dot += (double) a.get(p * m + i) * a.get(q * m + i);
        }
        assertThat(dot).isCloseTo(p == q ? 1 : 0, within(1e-5));
      }
    }
  }

  @Test
  void operandsThatDoNotFitAreRefusedNamingTheRoutine() {
    FloatBuffer small = Tensor.allocate(5);
    FloatBuffer big = Tensor.allocate(64);
    assertThatThrownBy(() -> Blas.ssyrkUpper(3, 3, 1f, small, 0, 3, 0f, big, 0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ssyrk operand A out of bounds");
    assertThatThrownBy(() -> Blas.sgesdd(4, 4, big, 4, big, small, 4, big, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sgesdd operand U out of bounds");
    assertThatThrownBy(() -> Blas.ssyevdLower(3, big, 2, big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ssyevd operand A out of bounds");
    assertThatThrownBy(() -> Blas.sgeqrf(4, 2, big, 4, FloatBuffer.allocate(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sgeqrf operand tau is not a direct buffer");
    assertThatThrownBy(() -> Blas.sorgqr(4, 2, 2, big, 4, Tensor.allocate(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sorgqr operand tau out of bounds");
  }
}

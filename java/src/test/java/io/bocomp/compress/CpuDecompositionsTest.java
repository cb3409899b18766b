package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.engine.DecompositionException;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.engine.Decompositions.Tucker2Factors;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Tensor;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

class CpuDecompositionsTest {
  private final CpuDecompositions dec = new CpuDecompositions();

  @Test
  void thinSvdMatchesDoublePrecisionReferenceOnAwkwardShapes() {
    int[][] shapes = {{1, 1}, {1, 7}, {7, 1}, {33, 7}, {7, 33}, {40, 40}, {65, 17}};
    for (int[] sh : shapes) {
      Tensor a = Reference.gaussian(sh[0] * 100L + sh[1], sh[0], sh[1]);
      SvdFactors f = dec.svd(List.of(a)).get(0);
      int k = Math.min(sh[0], sh[1]);
      assertThat(f.u().shape()).containsExactly(sh[0], k);
      assertThat(f.vt().shape()).containsExactly(k, sh[1]);
      double[] ref = new SingularValueDecomposition(
          new Array2DRowRealMatrix(toDouble(a, sh[0], sh[1]))).getSingularValues();
      for (int i = 0; i < k; i++) {
        assertThat((double) f.s().get(i)).as("sigma_%d of %dx%d", i, sh[0], sh[1])
            .isCloseTo(ref[i], within(1e-4 * ref[0]));
      }
      double rel = Reference.squaredDistance(a, Reference.reconstruct(f.u(), f.s(), f.vt(), k))
          / Reference.squaredNorm(a);
      assertThat(rel).isLessThan(1e-10);
      assertThat(Reference.orthonormalityError(f.u(), k)).isLessThan(1e-5);
      assertThat(Reference.orthonormalityError(Reference.transpose(f.vt()), k)).isLessThan(1e-5);
    }
  }

  @Test
  void truncationErrorIsTheTailOfTheSingularValues() {
    Tensor a = Reference.gaussian(7, 48, 30);
    SvdFactors f = dec.svd(List.of(a)).get(0);
    for (int k : new int[] {1, 5, 17, 29}) {
      double tail = 0;
      for (int i = k; i < 30; i++) {
        tail += (double) f.s().get(i) * f.s().get(i);
      }
      double err = Reference.squaredDistance(a, Reference.reconstruct(f.u(), f.s(), f.vt(), k));
      assertThat(err).as("rank %d", k).isCloseTo(tail, within(1e-4 * Reference.squaredNorm(a)));
    }
  }

  @Test
  void batchedSvdHandlesMixedShapesAndCountsEachMatrix() {
    long before = dec.decompositionCount();
    List<SvdFactors> fs = dec.svd(List.of(Reference.gaussian(1, 5, 9), Reference.gaussian(2, 12, 3)));
    assertThat(fs.get(0).rank()).isEqualTo(5);
    assertThat(fs.get(1).rank()).isEqualTo(3);
    assertThat(dec.decompositionCount() - before).isEqualTo(2);
  }

  @Test
  void svdDoesNotTouchItsInput() {
    Tensor a = Reference.gaussian(3, 6, 4);
    Tensor copy = a.copy();
    dec.svd(List.of(a));
    assertThat(a.contentEquals(copy)).isTrue();
  }

  @Test
  void nonFiniteWeightsAreRefusedWithAClearError() {
    Tensor a = Reference.gaussian(3, 6, 4);
    a.set(5, Float.NaN);
    assertThatThrownBy(() -> dec.svd(List.of(a))).isInstanceOf(DecompositionException.class)
        .hasMessageContaining("non-finite");
  }

  @Test
  void aParallelBatchKeepsInputOrderAndReportsAFailingMatrix() {
    CpuDecompositions two = new CpuDecompositions(2);
    List<Tensor> kernels = List.of(Reference.gaussian(1, 4, 3, 3, 3), Reference.gaussian(2, 6, 5, 1, 1),
        Reference.gaussian(3, 2, 7, 3, 3));
    List<Tucker2Factors> fs = two.tucker2(kernels);
    for (int i = 0; i < kernels.size(); i++) {
      assertThat(fs.get(i).core().shape()).isEqualTo(kernels.get(i).shape());
    }
    assertThat(two.decompositionCount()).isEqualTo(3);
    Tensor bad = Reference.gaussian(4, 5, 5);
    bad.set(3, Float.POSITIVE_INFINITY);
    assertThatThrownBy(() -> two.svd(List.of(Reference.gaussian(5, 5, 5), bad)))
        .isInstanceOf(DecompositionException.class).hasMessageContaining("non-finite");
  }

  @Test
  void randomizedSvdFindsTheLeadingTripletsOfADecayingSpectrum() {
    Tensor a = Reference.decaying(11, 300, 120, 0.8);
    SvdFactors full = dec.svd(List.of(a)).get(0);
    SvdFactors r = dec.truncatedSvd(a, 10, 10, 2, 42);
    assertThat(r.u().shape()).containsExactly(300, 10);
    assertThat(r.vt().shape()).containsExactly(10, 120);
    for (int i = 0; i < 10; i++) {
      assertThat((double) r.s().get(i)).isCloseTo(full.s().get(i), within(1e-3 * full.s().get(0)));
    }
    assertThat(Reference.orthonormalityError(r.u(), 10)).isLessThan(1e-4);
    // Near-optimal: the rank-10 error is within 1% of Eckart-Young's optimum.
    double optimum = Reference.squaredDistance(a, Reference.reconstruct(full.u(), full.s(), full.vt(), 10));
    double err = Reference.squaredDistance(a, Reference.reconstruct(r.u(), r.s(), r.vt(), 10));
    assertThat(err).isLessThan(optimum * 1.01 + 1e-6 * Reference.squaredNorm(a));
    // Deterministic for a given seed.
    assertThat(dec.truncatedSvd(a, 10, 10, 2, 42).s().contentEquals(r.s())).isTrue();
  }

  @Test
  void randomizedSvdRejectsRanksOutOfRange() {
    Tensor a = Reference.gaussian(3, 6, 4);
    assertThatThrownBy(() -> dec.truncatedSvd(a, 5, 2, 1, 1)).hasMessageContaining("outside [1, 4]");
  }

  @Test
  void tuckerFullRankIsExactAndFactorsAreOrthonormal() {
    Tensor w = Reference.gaussian(5, 12, 7, 3, 3);
    Tucker2Factors f = dec.tucker2(List.of(w)).get(0);
    assertThat(f.uOut().shape()).containsExactly(12, 12);
    assertThat(f.uIn().shape()).containsExactly(7, 7);
    assertThat(f.core().shape()).containsExactly(12, 7, 3, 3);
    double rel = Reference.squaredDistance(w, Reference.tuckerReconstruct(f, 12, 7))
        / Reference.squaredNorm(w);
    assertThat(rel).isLessThan(1e-10);
    assertThat(Reference.orthonormalityError(f.uOut(), 12)).isLessThan(1e-5);
    assertThat(Reference.orthonormalityError(f.uIn(), 7)).isLessThan(1e-5);
    for (int i = 1; i < 12; i++) {
      assertThat(f.eigOut().get(i)).isLessThanOrEqualTo(f.eigOut().get(i - 1));
    }
    // Eigenvalues of each Gram sum to ||W||^2.
    assertThat(sum(f.eigOut())).isCloseTo(Reference.squaredNorm(w), within(1e-4 * Reference.squaredNorm(w)));
    assertThat(sum(f.eigIn())).isCloseTo(Reference.squaredNorm(w), within(1e-4 * Reference.squaredNorm(w)));
  }

  @Test
  void tuckerTruncationErrorIsWithinTheHosvdBound() {
    Tensor w = Reference.gaussian(9, 16, 10, 3, 3);
    Tucker2Factors f = dec.tucker2(List.of(w)).get(0);
    for (int[] r : new int[][] {{1, 1}, {4, 6}, {16, 3}, {8, 10}}) {
      double bound = tail(f.eigOut(), r[0]) + tail(f.eigIn(), r[1]);
      double err = Reference.squaredDistance(w, Reference.tuckerReconstruct(f, r[0], r[1]));
      assertThat(err).as("ranks %d,%d", r[0], r[1]).isLessThanOrEqualTo(bound * (1 + 1e-4));
      // ... and no better than the best single-mode truncation allows.
      assertThat(err).isGreaterThanOrEqualTo(Math.max(tail(f.eigOut(), r[0]), tail(f.eigIn(), r[1])) * (1 - 1e-4));
    }
  }

  @Test
  void distanceIsMeanAndStandardErrorOfPerSampleSquaredDistances() {
    Tensor o = Tensor.of(new int[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6});
    Tensor r = Tensor.of(new int[] {3, 2}, new float[] {1, 2, 3, 5, 5, 8});
    DistanceStats d = dec.distance(o, r);
    assertThat(d.perSample()).containsExactly(0, 1, 4);
    assertThat(d.mean()).isCloseTo(5.0 / 3, within(1e-12));
    double sd = Math.sqrt(((0 - 5.0 / 3) * (0 - 5.0 / 3) + (1 - 5.0 / 3) * (1 - 5.0 / 3)
        + (4 - 5.0 / 3) * (4 - 5.0 / 3)) / 2);
    assertThat(d.stderr()).isCloseTo(sd / Math.sqrt(3), within(1e-12));
    assertThat(d.n()).isEqualTo(3);
  }

  @Property(tries = 25)
  void svdReconstructsAnyMatrix(@ForAll @IntRange(min = 1, max = 40) int m,
      @ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
    Tensor a = Reference.gaussian(seed, m, n);
    SvdFactors f = dec.svd(List.of(a)).get(0);
    double rel = Reference.squaredDistance(a, Reference.reconstruct(f.u(), f.s(), f.vt(), f.rank()))
        / Reference.squaredNorm(a);
    assertThat(rel).isLessThan(1e-9);
  }

  @Property(tries = 15)
  void tuckerAtFullRankIsExact(@ForAll @IntRange(min = 1, max = 12) int cout,
      @ForAll @IntRange(min = 1, max = 12) int cin, @ForAll @IntRange(min = 1, max = 3) int k,
      @ForAll long seed) {
    Tensor w = Reference.gaussian(seed, cout, cin, k, k);
    Tucker2Factors f = dec.tucker2(List.of(w)).get(0);
    double rel = Reference.squaredDistance(w, Reference.tuckerReconstruct(f, cout, cin))
        / Reference.squaredNorm(w);
    assertThat(rel).isLessThan(1e-9);
  }

  private static double tail(Tensor eig, int r) {
    double t = 0;
    for (int i = r; i < eig.size(); i++) {
      t += eig.get(i);
    }
    return t;
  }

  private static double sum(Tensor t) {
    return tail(t, 0);
  }

  private static double[][] toDouble(Tensor a, int m, int n) {
    double[][] d = new double[m][n];
    for (int p = 0; p < m; p++) {
      for (int q = 0; q < n; q++) {
        d[p][q] = a.get(p * n + q);
      }
    }
    return d;
  }
}

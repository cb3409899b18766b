package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Differential tests of the GPU SVDs against the CPU path ({@link CpuDecompositions}: LAPACK's
 * sgesdd) on awkward shapes, through both routes and the automatic choice. Skips without a usable GPU.
 */
class CpuVsCudaSvdTest {
  /** Degenerate, odd, prime-ish and tile-unfriendly shapes; both orientations. */
  static final int[][] AWKWARD = {{1, 1}, {1, 7}, {7, 1}, {7, 7}, {33, 7}, {7, 33}, {33, 33},
      {1023, 33}, {33, 1023}, {1, 1023}, {1023, 1}, {100, 67}, {129, 257}, {300, 150},
      {1023, 1023}};

  private static final Map<SvdRoute, CudaDecompositions> GPU = new EnumMap<>(SvdRoute.class);
  private static final List<Tensor> MATRICES = new ArrayList<>();
  private static final List<SvdFactors> LAPACK = new ArrayList<>();
  private static final CpuDecompositions CPU = new CpuDecompositions(1);

  @BeforeAll
  static void requireGpu() {
    if (!Cuda.available()) {
      return;  // every test skips in requireGpuPerTest, with the reason
    }
    for (SvdRoute r : SvdRoute.values()) {
      GPU.put(r, new CudaDecompositions(4, r));
    }
    long seed = 11;
    for (int[] shape : AWKWARD) {
      double[] s = TestMatrices.gappedSpectrum(Math.min(shape[0], shape[1]));
      Tensor a = TestMatrices.withSpectrum(shape[0], shape[1], s, seed++);
      MATRICES.add(a);
      LAPACK.add(cpuSvd(a));
    }
  }

  @BeforeEach
  void requireGpuPerTest() {
    assumeTrue(Cuda.available(), () -> "no usable CUDA GPU: " + Cuda.unavailableReason());
  }

  @AfterAll
  static void release() {
    GPU.values().forEach(CudaDecompositions::close);
    GPU.clear();
  }

  @ParameterizedTest
  @EnumSource(SvdRoute.class)
  void batchedSvdMatchesLapackOnAwkwardShapes(SvdRoute route) {
    List<SvdFactors> gpu = GPU.get(route).svd(MATRICES);
    assertThat(gpu).hasSize(MATRICES.size());
    for (int i = 0; i < MATRICES.size(); i++) {
      Tensor a = MATRICES.get(i);
      SvdFactors g = gpu.get(i);
      SvdFactors ref = LAPACK.get(i);
      String what = route + " " + a.dim(0) + " x " + a.dim(1);
      int k = ref.s().size();
      assertThat(g.u().shape()).as(what).containsExactly(a.dim(0), k);
      assertThat(g.vt().shape()).as(what).containsExactly(k, a.dim(1));
      float s0 = ref.s().get(0);
      assertThat(FactorChecks.toleranceRatio(g.s().toFloatArray(), ref.s().toFloatArray(), 1e-4,
          1e-6 * s0)).as(what + ": singular values vs sgesdd (1e-4 relative)").isLessThanOrEqualTo(1);
      assertThat(FactorChecks.reconstructionError(a, g)).as(what + ": reconstruction")
          .isLessThan(2e-5);
      assertThat(FactorChecks.columnOrthonormalityError(g.u())).as(what + ": U^T U = I")
          .isLessThan(5e-5);
      assertThat(FactorChecks.rowOrthonormalityError(g.vt())).as(what + ": Vt Vt^T = I")
          .isLessThan(5e-5);
      int lead = Math.max(1, k / 4);  // the gapped leading block of the spectrum
      assertThat(FactorChecks.subspaceDistance(ref.u(), g.u(), lead))
          .as(what + ": leading left subspace (principal angles)").isLessThan(1e-4);
      assertThat(FactorChecks.subspaceDistance(FactorChecks.transpose(ref.vt()),
          FactorChecks.transpose(g.vt()), lead))
          .as(what + ": leading right subspace (principal angles)").isLessThan(1e-4);
    }
  }

  @ParameterizedTest
  @EnumSource(SvdRoute.class)
  void randomGaussianMatricesMatchNormwise(SvdRoute route) {
    List<Tensor> batch = List.of(TestMatrices.gaussian(3, 1023, 65), TestMatrices.gaussian(4, 64, 576),
        TestMatrices.gaussian(5, 513, 511));
    List<SvdFactors> gpu = GPU.get(route).svd(batch);
    for (int i = 0; i < batch.size(); i++) {
      SvdFactors ref = cpuSvd(batch.get(i));
      float s0 = ref.s().get(0);
      assertThat(FactorChecks.toleranceRatio(gpu.get(i).s().toFloatArray(), ref.s().toFloatArray(),
          0, 1e-5 * s0)).as(route + " " + batch.get(i) + ": singular values to 1e-5 s_0")
          .isLessThanOrEqualTo(1);
      assertThat(FactorChecks.reconstructionError(batch.get(i), gpu.get(i))).isLessThan(2e-5);
    }
  }

  @ParameterizedTest
  @EnumSource(SvdRoute.class)
  void rankDeficientMatricesKeepOrthonormalFactors(SvdRoute route) {
    Tensor zero = Tensor.zeros(5, 5);
    Tensor zeroColumn = TestMatrices.gaussian(21, 33, 7);
    for (int i = 0; i < 33; i++) {
      zeroColumn.set(i * 7 + 3, 0f);
    }
    Tensor twinRows = TestMatrices.gaussian(22, 7, 33);
    for (int j = 0; j < 33; j++) {
      twinRows.set(5 * 33 + j, twinRows.get(2 * 33 + j));
    }
    Tensor rankTwo = rankTwo(300, 150);
    List<Tensor> batch = List.of(zero, zeroColumn, twinRows, rankTwo);
    int[] rank = {0, 6, 6, 2};
    List<SvdFactors> gpu = GPU.get(route).svd(batch);
    for (int i = 0; i < batch.size(); i++) {
      SvdFactors g = gpu.get(i);
      String what = route + " rank-deficient #" + i;
      assertThat(FactorChecks.columnOrthonormalityError(g.u())).as(what + ": U^T U = I")
          .isLessThan(5e-5);
      assertThat(FactorChecks.rowOrthonormalityError(g.vt())).as(what + ": Vt Vt^T = I")
          .isLessThan(5e-5);
      assertThat(FactorChecks.reconstructionError(batch.get(i), g)).as(what).isLessThan(2e-5);
      float[] s = g.s().toFloatArray();
      for (int j = rank[i]; j < s.length; j++) {
        assertThat(s[j]).as(what + ": s[" + j + "] numerically zero")
            .isLessThanOrEqualTo(1e-5f * Math.max(s[0], 1f));
      }
    }
  }

  @Test
  void truncatedSvdFindsTheLeadingTriplets() {
    double[] s = new double[517];
    for (int i = 0; i < s.length; i++) {
      s[i] = i < 20 ? 10 * Math.pow(0.7, i) : 1e-4;
    }
    Tensor a = TestMatrices.withSpectrum(1023, 517, s, 5);
    SvdFactors ref = cpuSvd(a);
    SvdFactors g = GPU.get(SvdRoute.AUTO).truncatedSvd(a, 10, 10, 2, 42);
    assertThat(g.u().shape()).containsExactly(1023, 10);
    assertThat(g.vt().shape()).containsExactly(10, 517);
    float[] leading = java.util.Arrays.copyOf(ref.s().toFloatArray(), 10);
    assertThat(FactorChecks.toleranceRatio(g.s().toFloatArray(), leading, 1e-4, 0))
        .isLessThanOrEqualTo(1);
    assertThat(FactorChecks.subspaceDistance(ref.u(), g.u(), 10)).isLessThan(1e-3);
    assertThat(FactorChecks.subspaceDistance(FactorChecks.transpose(ref.vt()),
        FactorChecks.transpose(g.vt()), 10)).isLessThan(1e-3);
    assertThat(FactorChecks.columnOrthonormalityError(g.u())).isLessThan(5e-5);
    assertThat(FactorChecks.rowOrthonormalityError(g.vt())).isLessThan(5e-5);

    // rank + oversample >= min(m, n): falls back to the full SVD, truncated.
    Tensor small = MATRICES.get(5);  // 7 x 33
    SvdFactors t = GPU.get(SvdRoute.AUTO).truncatedSvd(small, 3, 10, 1, 1);
    assertThat(t.s().toFloatArray()).containsExactly(
        java.util.Arrays.copyOf(GPU.get(SvdRoute.AUTO).svd(List.of(small)).get(0).s().toFloatArray(), 3));
  }

  @Test
  void deviceFactorsAreResidentAndSliceWithoutCopies() {
    CudaDecompositions gpu = GPU.get(SvdRoute.AUTO);
    Tensor a = MATRICES.get(7);  // 1023 x 33
    SvdFactors host = gpu.svd(List.of(a)).get(0);
    try (DeviceTensor da = DeviceTensor.upload(a);
        DeviceSvdFactors f = DeviceSvdFactors.allocate(a.dim(0), a.dim(1))) {
      gpu.svd(List.of(da), List.of(f));
      assertThat(FactorChecks.toleranceRatio(f.s().toHost().toFloatArray(), host.s().toFloatArray(),
          1e-5, 0)).as("device and host entry points agree").isLessThanOrEqualTo(1);
      SvdFactors whole = CudaDecompositions.truncate(f.toHost(), 5);  // the same device memory
      DeviceTensor left = f.u().leadingColumns(5);
      assertThat(left.isContiguous()).isFalse();
      assertThat(left.rowStride()).isEqualTo(33);
      assertThat(left.toHost().toFloatArray()).containsExactly(whole.u().toFloatArray());
      assertThat(f.vt().rows(0, 5).toHost().toFloatArray()).containsExactly(whole.vt().toFloatArray());
    }
  }

  private static Tensor rankTwo(int m, int n) {
    Tensor x = TestMatrices.gaussian(31, m, 2);
    Tensor y = TestMatrices.gaussian(32, 2, n);
    float[] a = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        a[i * n + j] = x.get(i * 2) * y.get(j) + x.get(i * 2 + 1) * y.get(n + j);
      }
    }
    return Tensor.of(new int[] {m, n}, a);
  }

  private static SvdFactors cpuSvd(Tensor a) {
    return CPU.svd(List.of(a)).get(0);
  }
}

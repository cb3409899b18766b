package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bocomp.engine.Decompositions.LowRankFactors;
import io.bocomp.engine.Decompositions.Tucker2Layers;
import io.bocomp.engine.HostResidentFactors;
import io.bocomp.model.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GPU factor cache against the host cache built from the GPU's host-level factors of the same
 * weights: truncations are views with the right strides, and reconstructions on the device match
 * the host SGEMMs (to float rounding: the two builds may differ in the last bits). Skips without a
 * GPU.
 */
class DeviceFactorCacheTest {
  private static CudaDecompositions gpu;
  private static final Map<String, Tensor> MATRICES = new LinkedHashMap<>();
  private static final Map<String, Tensor> KERNELS = new LinkedHashMap<>();

  @BeforeAll
  static void setUp() {
    if (!Cuda.available()) {
      return;
    }
    gpu = new CudaDecompositions();
    MATRICES.put("fc1", TestMatrices.gaussian(1, 33, 1023));
    MATRICES.put("fc2", TestMatrices.gaussian(2, 300, 150));
    MATRICES.put("tiny", TestMatrices.gaussian(3, 1, 7));
    KERNELS.put("conv1", TestMatrices.gaussian(4, 33, 7, 3, 3));
    KERNELS.put("conv2", TestMatrices.gaussian(5, 7, 17, 1, 1));
  }

  @BeforeEach
  void requireGpu() {
    assumeTrue(Cuda.available(), () -> "no usable CUDA GPU: " + Cuda.unavailableReason());
  }

  @AfterAll
  static void release() {
    if (gpu != null) {
      gpu.close();
    }
  }

  @Test
  void truncationsAreViewsAndReconstructionsMatchTheHost() {
    try (DeviceFactorCache dev = gpu.keepResident(MATRICES, KERNELS);
        HostResidentFactors host = HostResidentFactors.build(gpu, MATRICES, KERNELS)) {
      assertThat(dev.matrixKeys()).containsExactlyElementsOf(MATRICES.keySet());
      assertThat(dev.kernelKeys()).containsExactlyElementsOf(KERNELS.keySet());
      DeviceTensor left = dev.svdLeft("fc2", 10);
      assertThat(left.shape()).containsExactly(300, 10);
      assertThat(left.rowStride()).isEqualTo(150);
      assertThat(dev.svdRight("fc2", 10).isContiguous()).isTrue();
      assertThat(dev.tuckerCore("conv1", 5, 3).rowStride()).isEqualTo(7 * 9);

      for (String key : MATRICES.keySet()) {
        int k = host.singularValues(key).size();
        assertClose(dev.singularValues(key), host.singularValues(key), key + " singular values");
        for (int r : new int[] {0, 1, k / 2, k}) {
          assertClose(dev.lowRankWeight(key, r), host.lowRankWeight(key, r), key + " rank " + r);
          LowRankFactors d = dev.lowRank(key, r);
          LowRankFactors h = host.lowRank(key, r);
          assertClose(d.left(), h.left(), key + " left " + r);
          assertClose(d.right(), h.right(), key + " right " + r);
        }
        assertClose(dev.lowRankWeight(key, k), MATRICES.get(key), key + " full rank");
      }
      for (String key : KERNELS.keySet()) {
        Tensor w = KERNELS.get(key);
        for (int[] r : new int[][] {{1, 1}, {w.dim(0) / 2 + 1, w.dim(1) / 2 + 1},
            {w.dim(0), w.dim(1)}}) {
          assertClose(dev.tucker2Weight(key, r[0], r[1]), host.tucker2Weight(key, r[0], r[1]),
              key + " ranks " + r[0] + "," + r[1]);
          Tucker2Layers d = dev.tucker2(key, r[0], r[1]);
          Tucker2Layers h = host.tucker2(key, r[0], r[1]);
          assertClose(d.first(), h.first(), key + " first");
          assertClose(d.core(), h.core(), key + " core");
          assertClose(d.last(), h.last(), key + " last");
        }
        assertClose(dev.tucker2Weight(key, w.dim(0), w.dim(1)), w, key + " full ranks");
      }
      assertThatThrownBy(() -> dev.lowRankWeight("fc1", 34)).hasMessageContaining("'fc1'");
    }
  }

  private static void assertClose(Tensor got, Tensor want, String what) {
    assertThat(got.shape()).as(what).containsExactly(want.shape());
    double scale = 0;
    for (int i = 0; i < want.size(); i++) {
      scale = Math.max(scale, Math.abs(want.get(i)));
    }
    for (int i = 0; i < want.size(); i++) {
      assertThat((double) Math.abs(got.get(i) - want.get(i))).as(what + " at " + i)
          .isLessThanOrEqualTo(2e-5 * Math.max(scale, 1e-30) + 1e-30);
    }
  }
}

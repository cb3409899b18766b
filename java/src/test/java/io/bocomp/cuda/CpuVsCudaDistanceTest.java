package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.model.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused output distance against a double-precision host computation, on awkward shapes
 * (including rows long enough to be split across blocks), and bit-for-bit repeatability across
 * calls and between the host-tensor and device-tensor entry points. Skips without a GPU.
 */
class CpuVsCudaDistanceTest {
  private static CudaDecompositions gpu;

  @BeforeAll
  static void requireGpu() {
    if (!Cuda.available()) {
      return;  // every test skips in requireGpuPerTest, with the reason
    }
    gpu = new CudaDecompositions();
  }

  @BeforeEach
  void requireGpuPerTest() {
    assumeTrue(Cuda.available(), () -> "no usable CUDA GPU: " + Cuda.unavailableReason());
  }

  @AfterAll
  static void release() {
    if (gpu != null) {
      gpu.close();
    }
  }

  @ParameterizedTest(name = "{0} samples x {1} logits")
  @CsvSource({"1, 1", "1, 7", "7, 1000", "33, 33", "50, 1000", "1023, 7", "2, 1025", "3, 1048576",
      "1, 4000000"})
  void matchesTheHostAndRepeatsBitForBit(int n, int d) {
    Tensor out = TestMatrices.gaussian(n * 31L + d, n, d);
    Tensor ref = TestMatrices.gaussian(n * 37L + d + 1, n, d);
    double[] per = new double[n];
    for (int i = 0; i < n; i++) {
      double acc = 0;
      for (int j = 0; j < d; j++) {
        double diff = (double) out.get(i * d + j) - ref.get(i * d + j);
        acc += diff * diff;
      }
      per[i] = acc;
    }
    double mean = 0;
    for (double v : per) {
      mean += v;
    }
    mean /= n;
    double ss = 0;
    for (double v : per) {
      ss += (v - mean) * (v - mean);
    }
    double stderr = n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;

    DistanceStats first = gpu.distance(out, ref);
    assertThat(first.n()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(first.perSample()[i]).isCloseTo(per[i], org.assertj.core.data.Offset.offset(
          1e-12 * per[i] + 1e-300));
    }
    assertThat(first.mean()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-12 * mean));
    assertThat(first.stderr()).isCloseTo(stderr,
        org.assertj.core.data.Offset.offset(1e-9 * stderr + 1e-300));

    DistanceStats again = gpu.distance(out, ref);
    DistanceStats onDevice;
    try (DeviceTensor dOut = DeviceTensor.upload(out); DeviceTensor dRef = DeviceTensor.upload(ref)) {
      onDevice = gpu.distance(dOut, dRef);
    }
    for (DistanceStats other : new DistanceStats[] {again, onDevice}) {
      assertThat(Double.doubleToRawLongBits(other.mean()))
          .isEqualTo(Double.doubleToRawLongBits(first.mean()));
      assertThat(Double.doubleToRawLongBits(other.stderr()))
          .isEqualTo(Double.doubleToRawLongBits(first.stderr()));
      for (int i = 0; i < n; i++) {
        assertThat(Double.doubleToRawLongBits(other.perSample()[i]))
            .isEqualTo(Double.doubleToRawLongBits(first.perSample()[i]));
      }
    }
  }
}

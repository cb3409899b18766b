package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * Runs on every machine: without a GPU (or without nvcc at build time) the CUDA path must say why
 * in one line and refuse cleanly, never crash the JVM; the native ABI validates arguments before it
 * touches the GPU.
 */
class CudaAvailabilityTest {

  @Test
  void availabilityAndReasonAgree() {
    if (Cuda.available()) {
      assertThat(Cuda.unavailableReason()).isEmpty();
      assertThat(Cuda.describe()).startsWith("CUDA: ").contains("device");
      return;
    }
    String reason = Cuda.unavailableReason();
    assertThat(reason).isNotBlank().doesNotContain("\n");
    assertThat(reason).containsAnyOf("built without CUDA support", "does not load",
        "no usable CUDA driver", "no CUDA GPU", "not loadable");
    assertThat(Cuda.describe()).isEqualTo("CUDA unavailable: " + reason);
    assertThatThrownBy(CudaDecompositions::new)
        .isInstanceOf(NativeException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void backendExposesTheReflectiveContractTheEngineLooksFor() throws ReflectiveOperationException {
    // Backends.create("cuda") finds the class by name and calls these before constructing it.
    Class<?> c = Class.forName("io.bocomp.cuda.CudaBackend");
    assertThat(c.getMethod("isAvailable").invoke(null)).isEqualTo(Cuda.available());
    assertThat(c.getMethod("unavailableReason").invoke(null)).isEqualTo(Cuda.unavailableReason());
    assertThat(java.lang.reflect.Modifier.isPublic(c.getConstructor().getModifiers())).isTrue();
    if (!Cuda.available()) {
      assertThatThrownBy(CudaBackend::new).isInstanceOf(NativeException.class)
          .hasMessage("CUDA backend unavailable: " + Cuda.unavailableReason());
    }
  }

  @Test
  void nativeLibraryLoadsOrFailsWithALinkageError() {
    try {
      Loader.load(NativeKernels.class);
    } catch (LinkageError e) {
      assertThat(Cuda.available()).isFalse();
      assertThat(Cuda.unavailableReason()).containsAnyOf("built without CUDA support", "does not load");
      return;
    }
    int[] count = {-1};
    int status = NativeKernels.bocomp_cuda_probe(count);
    if (status == 0) {
      assertThat(count[0]).isGreaterThanOrEqualTo(0);
    } else {
      assertThat(count[0]).isZero();
      assertThat(NativeKernels.bocomp_status_string(status).getString()).startsWith("CUDA error ");
      assertThat(Cuda.available()).isFalse();
    }
    assertThat(NativeKernels.bocomp_cuda_device_count()).isEqualTo(count[0]);
  }

  @Test
  void nativeEntryPointsRejectBadArgumentsBeforeTouchingTheGpu() {
    assumeTrue(loads(), "libbocomp_cuda is not in this build (built without nvcc)");
    final int invalid = 1;
    assertThat(NativeKernels.bocomp_jacobi_svd_batched(1, 0, 0, 48, 1f, 10, 0, 0))
        .as("threads not a multiple of 32").isEqualTo(invalid);
    assertThat(NativeKernels.bocomp_jacobi_svd_batched(1, 0, 0, 64, 1f, 10, 0, 0))
        .as("null job table").isEqualTo(invalid);
    assertThat(NativeKernels.bocomp_jacobi_svd_batched(0, 0, 0, 64, 1f, 10, 0, 0))
        .as("empty batch is a no-op").isZero();
    assertThat(NativeKernels.bocomp_sq_distance(0, 10, 0, 0, 0, 0, 0, 0, 0)).isEqualTo(invalid);
    assertThat(NativeKernels.bocomp_cast_f32_to_f64(-1, 0, 0, 0)).isEqualTo(invalid);
    assertThat(NativeKernels.bocomp_cast_f32_to_f64(0, 0, 0, 0)).isZero();
    assertThat(NativeKernels.bocomp_scale_cast_f64_to_f32(2, 2, 0, 0, 7, 0, 0, 0)).isEqualTo(invalid);
    assertThat(NativeKernels.bocomp_unfold_mode1(-1, 1, 1, 0, 0, 0)).isEqualTo(invalid);
    assertThat(NativeKernels.bocomp_eig_to_svd(3, 0, 0, 0, 0, 0, -1, 0)).isEqualTo(invalid);
    assertThat(NativeKernels.bocomp_sq_distance_workspace(50, 1000)).isEqualTo(50);
    assertThat(NativeKernels.bocomp_sq_distance_workspace(1, 1 << 24)).isGreaterThan(500);
    for (int code = 0; code <= 6; code++) {
      assertThat(NativeKernels.bocomp_status_string(code).getString()).as("status " + code)
          .isNotBlank();
    }
    assertThat(NativeKernels.bocomp_status_string(invalid).getString()).isEqualTo("invalid argument");
  }

  private static boolean loads() {
    try {
      Loader.load(NativeKernels.class);
      return true;
    } catch (LinkageError e) {
      return false;
    }
  }
}

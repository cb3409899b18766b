package io.bocomp.cuda;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cusolver;
import org.bytedeco.javacpp.Loader;

/**
 * Finds out, once per JVM, whether the CUDA path can run here: our native library loads (it is
 * only in the jar when the build had nvcc), a CUDA driver answers with at least one GPU, and the
 * cudart, cuBLAS and cuSOLVER presets load (their NVIDIA libraries come from the host, e.g. the
 * nvidia-* Python wheels via {@code -Dorg.bytedeco.javacpp.platform.linkpath}). Never throws: a
 * failure becomes a one-line reason.
 */
final class CudaRuntime {
  private static volatile Status status;

  private CudaRuntime() {}

  /** Availability and, if unavailable, why; with the versions found when available. */
  record Status(boolean available, String reason, int devices, int runtimeVersion,
      int driverVersion) {}

  static Status status() {
    Status s = status;
    if (s == null) {
      synchronized (CudaRuntime.class) {
        s = status;
        if (s == null) {
          s = probe();
          status = s;
        }
      }
    }
    return s;
  }

  private static Status probe() {
    try {
      Loader.load(NativeKernels.class);
    } catch (LinkageError | RuntimeException e) {
      String lib = "io/bocomp/cuda/" + Loader.getPlatform() + "/libjniNativeKernels.so";
      if (CudaRuntime.class.getClassLoader().getResource(lib) == null) {
        return unavailable("bocomp was built without CUDA support (no " + lib
            + " in the jar: nvcc was not found at build time)");
      }
      return unavailable("bocomp's CUDA library does not load (" + oneLine(e)
          + "); is libcudart.so.13 on -Dorg.bytedeco.javacpp.platform.linkpath?");
    }
    int[] count = {0};
    int st = NativeKernels.bocomp_cuda_probe(count);
    if (st != 0) {
      return unavailable("no usable CUDA driver: "
          + NativeKernels.bocomp_status_string(st).getString());
    }
    if (count[0] <= 0) {
      return unavailable("no CUDA GPU visible");
    }
    try {
      Loader.load(cudart.class);
      Loader.load(cublas.class);
      Loader.load(cusolver.class);
    } catch (LinkageError | RuntimeException e) {
      return unavailable("cuBLAS/cuSOLVER not loadable (" + oneLine(e) + "); point "
          + "-Dorg.bytedeco.javacpp.platform.linkpath at the directories of libcublas.so.13 and "
          + "libcusolver.so.12 (e.g. site-packages/nvidia/cu13/lib)");
    }
    int[] runtime = {0};
    int[] driver = {0};
    cudart.cudaRuntimeGetVersion(runtime);
    cudart.cudaDriverGetVersion(driver);
    return new Status(true, "", count[0], runtime[0], driver[0]);
  }

  private static Status unavailable(String reason) {
    return new Status(false, reason, 0, 0, 0);
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}

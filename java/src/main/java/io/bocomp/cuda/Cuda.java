package io.bocomp.cuda;

/**
 * Whether the CUDA path can run in this JVM, and if not, why — in one line a user can act on
 * ("bocomp was built without CUDA support ...", "no usable CUDA driver: ...", "cuBLAS/cuSOLVER not
 * loadable ..."). Probed once (loading the native libraries and asking the driver for devices) and
 * cached; never throws.
 */
public final class Cuda {
  private Cuda() {}

  /** True when the native library loads, a GPU answers and cuBLAS/cuSOLVER load. */
  public static boolean available() {
    return CudaRuntime.status().available();
  }

  /** Why {@link #available()} is false; empty when it is true. */
  public static String unavailableReason() {
    return CudaRuntime.status().reason();
  }

  /** One line for logs: devices and CUDA runtime/driver versions, or the reason it is off. */
  public static String describe() {
    CudaRuntime.Status s = CudaRuntime.status();
    if (!s.available()) {
      return "CUDA unavailable: " + s.reason();
    }
    return "CUDA: " + s.devices() + " device(s), runtime " + version(s.runtimeVersion())
        + ", driver " + version(s.driverVersion());
  }

  private static String version(int v) {
    return v / 1000 + "." + (v % 1000) / 10;
  }
}

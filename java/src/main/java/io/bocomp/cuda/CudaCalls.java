package io.bocomp.cuda;

import static org.bytedeco.cuda.global.cudart.cudaGetErrorName;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The checked boundary to the native libraries: every status code from cudart, cuBLAS, cuSOLVER
 * and our kernels goes through one of the {@code check*} methods, which throw
 * {@link NativeException} with the call's description and the library's error text. Also makes
 * JavaCPP pointers for raw device addresses (position 0, no deallocator: device memory is freed by
 * {@link DeviceMemory}, never by JavaCPP).
 */
final class CudaCalls {
  private CudaCalls() {}

  /** Throws unless {@code status} is cudaSuccess. */
  static void checkCuda(int status, String call) {
    if (status != cudaSuccess) {
      throw new NativeException(call + " failed: CUDA error " + status + " ("
          + text(cudaGetErrorName(status)) + "): " + text(cudaGetErrorString(status)));
    }
  }

  /** Throws unless {@code status} is CUBLAS_STATUS_SUCCESS. */
  static void checkCublas(int status, String call) {
    if (status != cublas.CUBLAS_STATUS_SUCCESS) {
      throw new NativeException(call + " failed: cuBLAS status " + status + " ("
          + text(cublas.cublasGetStatusString(status)) + ")");
    }
  }

  /** Throws unless {@code status} is CUSOLVER_STATUS_SUCCESS (0). */
  static void checkCusolver(int status, String call) {
    if (status != 0) {
      throw new NativeException(call + " failed: cuSOLVER status " + status + " ("
          + cusolverStatusName(status) + ")");
    }
  }

  /** Throws unless {@code status} is BOCOMP_OK (0). */
  static void checkKernel(int status, String call) {
    if (status != 0) {
      throw new NativeException(call + " failed: " + text(NativeKernels.bocomp_status_string(status)));
    }
  }

  static String cusolverStatusName(int status) {
    switch (status) {
      case 1: return "not initialized";
      case 2: return "allocation failed";
      case 3: return "invalid value";
      case 4: return "architecture mismatch";
      case 5: return "mapping error";
      case 6: return "execution failed";
      case 7: return "internal error";
      case 8: return "matrix type not supported";
      case 9: return "not supported";
      default: return "cuSOLVER error";
    }
  }

  private static String text(BytePointer p) {
    return p == null || p.isNull() ? "?" : p.getString();
  }

  /** A void pointer at a raw (device or host) address. */
  static Pointer at(long address) {
    return new Raw(address);
  }

  static FloatPointer floats(long address) {
    return new FloatPointer(new Raw(address));
  }

  static DoublePointer doubles(long address) {
    return new DoublePointer(new Raw(address));
  }

  static IntPointer ints(long address) {
    return new IntPointer(new Raw(address));
  }

  /** A pointer whose address is set directly; JavaCPP never frees it. */
  private static final class Raw extends Pointer {
    Raw(long address) {
      this.address = address;
    }
  }
}

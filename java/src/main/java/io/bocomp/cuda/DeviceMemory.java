package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.at;
import static io.bocomp.cuda.CudaCalls.checkCuda;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;

import org.bytedeco.javacpp.Pointer;

/**
 * One cudaMalloc'd block of device memory, freed by {@link #close()} (idempotent). Device memory is
 * never freed by the garbage collector: owners close it.
 */
final class DeviceMemory implements AutoCloseable {
  private long address;
  private final long bytes;

  private DeviceMemory(long address, long bytes) {
    this.address = address;
    this.bytes = bytes;
  }

  /** Allocates {@code bytes} (at least 1) of device memory, 256-byte aligned. */
  static DeviceMemory allocate(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative allocation: " + bytes);
    }
    Pointer p = new Pointer();
    checkCuda(cudaMalloc(p, Math.max(1, bytes)), "cudaMalloc(" + bytes + " bytes)");
    return new DeviceMemory(p.address(), bytes);
  }

  long address() {
    if (address == 0) {
      throw new IllegalStateException("device memory already freed");
    }
    return address;
  }

  long bytes() {
    return bytes;
  }

  boolean isOpen() {
    return address != 0;
  }

  @Override
  public void close() {
    if (address != 0) {
      long a = address;
      address = 0;
      checkCuda(cudaFree(at(a)), "cudaFree(" + bytes + " bytes)");
    }
  }
}

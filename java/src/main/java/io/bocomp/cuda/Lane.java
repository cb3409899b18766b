package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.at;
import static io.bocomp.cuda.CudaCalls.checkCublas;
import static io.bocomp.cuda.CudaCalls.checkCuda;
import static io.bocomp.cuda.CudaCalls.checkCusolver;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cusolver.cusolverDnContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cusolver;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One independent line of GPU work: a CUDA stream with its own cuBLAS and cuSOLVER handles and
 * its own device workspaces. {@link CudaDecompositions} runs one host thread per lane, so
 * independent matrices (and cuSOLVER's host-side work for them) overlap. Work enqueued on a lane
 * runs in order; {@link #sync()} waits for it.
 *
 * <p>Two arenas: {@link #workspace} holds scratch buffers that consecutive jobs on this lane reuse
 * (stream order makes that safe), {@link #results} holds small per-call records (status words,
 * job tables) that must survive until the lane syncs. Not thread-safe: one thread per lane.
 */
final class Lane implements AutoCloseable {
  final CUstream_st stream;
  final cublasContext cublasHandle;
  final cusolverDnContext cusolverHandle;
  final DeviceArena workspace = new DeviceArena();
  final DeviceArena results = new DeviceArena();
  /** A small valid device buffer for size queries that want pointers they never dereference. */
  final DeviceMemory probe;
  final DoublePointer oneD = new DoublePointer(1.0);
  final DoublePointer zeroD = new DoublePointer(0.0);
  final FloatPointer oneF = new FloatPointer(1.0f);
  final FloatPointer zeroF = new FloatPointer(0.0f);
  private boolean closed;

  Lane() {
    stream = new CUstream_st();
    checkCuda(cudaStreamCreate(stream), "cudaStreamCreate");
    cublasHandle = new cublasContext();
    cusolverHandle = new cusolverDnContext();
    DeviceMemory p = null;
    try {
      checkCublas(cublas.cublasCreate_v2(cublasHandle), "cublasCreate");
      checkCublas(cublas.cublasSetStream_v2(cublasHandle, stream), "cublasSetStream");
      checkCusolver(cusolver.cusolverDnCreate(cusolverHandle), "cusolverDnCreate");
      checkCusolver(cusolver.cusolverDnSetStream(cusolverHandle, stream), "cusolverDnSetStream");
      p = DeviceMemory.allocate(4096);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    probe = p;
  }

  long streamAddress() {
    return stream.address();
  }

  /** Waits for everything enqueued on this lane. */
  void sync() {
    checkCuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  }

  /**
   * Enqueues a host -> device copy of the first {@code bytes} of a direct buffer (position 0).
   * Safe to reuse the buffer on return: a copy from pageable memory is staged before it returns.
   */
  void upload(long deviceAddress, Buffer host, long bytes) {
    if (bytes == 0) {
      return;
    }
    checkCuda(cudaMemcpyAsync(at(deviceAddress), hostPointer(host), bytes,
        cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync(host -> device, " + bytes + " bytes)");
  }

  /** Copies device memory to a direct buffer (position 0) and waits for it and all earlier work. */
  void download(Buffer host, long deviceAddress, long bytes) {
    if (bytes > 0) {
      checkCuda(cudaMemcpyAsync(hostPointer(host), at(deviceAddress), bytes,
          cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync(device -> host, " + bytes + " bytes)");
    }
    sync();
  }

  /** Downloads {@code count} ints (status words) written by earlier work on this lane. */
  int[] downloadInts(long deviceAddress, int count) {
    ByteBuffer b = ByteBuffer.allocateDirect(4 * Math.max(count, 1)).order(ByteOrder.nativeOrder());
    download(b, deviceAddress, 4L * count);
    int[] out = new int[count];
    b.asIntBuffer().get(out);
    return out;
  }

  private static Pointer hostPointer(Buffer host) {
    if (!host.isDirect() || host.position() != 0) {
      throw new IllegalArgumentException("need a direct buffer at position 0");
    }
    return new Pointer(host);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    try {
      if (!stream.isNull()) {
        checkCuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
      }
    } catch (RuntimeException e) {
      first = e;
    }
    if (!cusolverHandle.isNull()) {
      cusolver.cusolverDnDestroy(cusolverHandle);
    }
    if (!cublasHandle.isNull()) {
      cublas.cublasDestroy_v2(cublasHandle);
    }
    workspace.close();
    results.close();
    if (probe != null) {
      probe.close();
    }
    if (!stream.isNull()) {
      cudaStreamDestroy(stream);
    }
    oneD.close();
    zeroD.close();
    oneF.close();
    zeroF.close();
    if (first != null) {
      throw first;
    }
  }
}

package io.bocomp.engine.cpu;

import io.bocomp.engine.Backend;
import io.bocomp.engine.Decompositions;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.op.OpsetForms;
import java.util.Set;

/**
 * The CPU backend: kernels in Java over direct buffers, with GEMMs (convolution via im2col,
 * Gemm, MatMul) in single-threaded OpenBLAS calls spread over a fixed pool of Java workers (see
 * {@link WorkerPool}, {@link ConvKernel}). Always available.
 *
 * <p>One backend owns one pool; its executables may be used from different threads, but their
 * parallel loops take turns on the pool. While any CPU backend is open, OpenBLAS runs
 * single-threaded process-wide (see {@link Blas}); closing the last one restores its thread count.
 *
 * <p>Its {@link #decompositions()} are one {@link CpuDecompositions} (LAPACK, batches over all
 * available processors whatever this backend's thread count, on daemon threads of their own), which
 * keep working after {@link #close()}.
 */
public final class CpuBackend implements Backend {
  private final WorkerPool pool;
  private final CpuDecompositions decompositions = new CpuDecompositions();
  private boolean closed;

  /** A backend using every available core. */
  public CpuBackend() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** A backend using {@code threads} threads (the caller's included). */
  public CpuBackend(int threads) {
    this.pool = new WorkerPool(threads);
    Blas.acquireSingleThreaded();
    TileWarmUp.start();
  }

  @Override
  public String name() {
    return "cpu";
  }

  /** Threads this backend computes with. */
  public int threads() {
    return pool.threads();
  }

  /** The op types the CPU backend runs, sorted. */
  public static Set<String> ops() {
    return CpuKernels.supportedOps();
  }

  @Override
  public Set<String> supportedOps() {
    return ops();
  }

  /** Compiles a graph that follows the conventions of bocomp's default opset. */
  @Override
  public Executable compile(Graph graph) {
    return compile(graph, Model.DEFAULT_OPSET);
  }

  /**
   * Compiles a graph written for the given default-domain opset (older opsets' op forms are
   * brought to the canonical ones first, {@link OpsetForms}).
   */
  @Override
  public Executable compile(Graph graph, long opset) {
    return new CpuExecutable(OpsetForms.canonical(graph, opset), OpsetForms.canonicalOpset(opset),
        pool);
  }

  @Override
  public Decompositions decompositions() {
    return decompositions;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      pool.close();
      Blas.releaseSingleThreaded();
    }
  }
}

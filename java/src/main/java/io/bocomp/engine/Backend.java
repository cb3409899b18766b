package io.bocomp.engine;

import io.bocomp.model.Graph;

/**
 * Where tensors are computed. {@code CpuBackend} always works; a CUDA backend is found at start-up
 * when its native library loads and a GPU answers (see {@link Backends}). Callers never ask which
 * backend they hold: they compile a graph and run it.
 */
public interface Backend extends AutoCloseable {

  /** Short name: "cpu", "cuda". */
  String name();

  /**
   * Prepares a graph for repeated execution: checks every node is supported (throwing
   * {@link io.bocomp.model.UnsupportedOperatorException} naming the node, the op and the supported
   * ones), resolves constant inputs and plans buffers. Cheap: weights are used in place.
   */
  Executable compile(Graph graph);

  /** Releases native resources (thread pools, device memory). Idempotent. */
  @Override
  void close();
}

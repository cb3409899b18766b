package io.bocomp.engine;

import io.bocomp.model.Graph;
import io.bocomp.model.Model;

/**
 * Where tensors are computed. {@code CpuBackend} always works; a CUDA backend is found at start-up
 * when its native library loads and a GPU answers (see {@link Backends}). Callers never ask which
 * backend they hold: they compile a graph and run it.
 */
public interface Backend extends AutoCloseable {

  /** Short name: "cpu", "cuda". */
  String name();

  /**
   * The op types (of {@link io.bocomp.model.op.OpTable}) this backend executes; a node of another
   * op is refused at compile time with one line naming the node, its op and this backend.
   */
  java.util.Set<String> supportedOps();

  /**
   * Prepares a graph for repeated execution: checks every node is supported (throwing
   * {@link io.bocomp.model.UnsupportedOperatorException} naming the node, the op and the supported
   * ones), resolves constant inputs and plans buffers. Cheap: weights are used in place.
   */
  Executable compile(Graph graph);

  /**
   * Like {@link #compile(Graph)} for a graph written against the given default-domain opset: the
   * forms of older opsets are first rewritten into the canonical ones
   * ({@link io.bocomp.model.op.OpsetForms}). {@link #compile(Graph)} assumes
   * {@link Model#DEFAULT_OPSET}.
   */
  default Executable compile(Graph graph, long opset) {
    return compile(graph);
  }

  /** Compiles a model's graph under the model's own opset. */
  default Executable compile(Model model) {
    return compile(model.graph(), model.opset());
  }

  /**
   * The factorizations (SVD, Tucker-2, output distance) that go with this backend: callers ask for
   * them here and never construct an implementation themselves. The instance belongs to the
   * backend; it stays usable after {@link #close()} only where the implementation says so.
   */
  Decompositions decompositions();

  /** Releases native resources (thread pools, device memory). Idempotent. */
  @Override
  void close();
}

package io.bocomp.model;

/**
 * One graph-to-graph transformation. A pass never mutates its input (graphs are immutable and
 * tensors held by a graph are never written); it returns a new graph, or the same instance when
 * there was nothing to do.
 */
public interface GraphPass {

  /** Short name for logs, e.g. "batchnorm-folding". */
  String name();

  /** The transformed graph. */
  Graph apply(Graph graph);
}

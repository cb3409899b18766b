package io.bocomp.model;

/**
 * Static shape inference for the supported operators. Used at import (to annotate value infos and
 * fold shape subgraphs), by {@code inspect} (per-layer shapes and MACs) and by the engine (output
 * buffer shapes at run time, where every dimension is known).
 */
public final class ShapeInference {
  private ShapeInference() {}

  /**
   * Output shapes of one node.
   *
   * @param node the node
   * @param inputShapes shape of each input; a dimension of -1 is unknown (e.g. a symbolic batch);
   *     null for an absent optional input or an unknown rank
   * @param constInputs the value of each input when it is a constant (initializer or folded), else null
   * @param opset the model's default-domain opset (attribute-vs-input conventions changed across opsets)
   * @return one shape per output (-1 where unknown; null where even the rank is unknown)
   * @throws UnsupportedOperatorException for ops outside the supported set
   * @throws ModelFormatException for inconsistent shapes, naming the node
   */
  public static int[][] outputShapes(Node node, int[][] inputShapes, Tensor[] constInputs, long opset) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** A copy of the graph whose value infos hold the inferred shape of every value. */
  public static Graph infer(Graph graph, long opset) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}

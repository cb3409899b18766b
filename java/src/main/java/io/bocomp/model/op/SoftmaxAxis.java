package io.bocomp.model.op;

import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;

/** The one axis a canonical Softmax, LogSoftmax or Hardmax normalizes along. */
public final class SoftmaxAxis {
  private SoftmaxAxis() {}

  /**
   * The axis (attribute {@code axis}, default -1) as an index into a rank-{@code rank} input.
   *
   * @throws io.bocomp.model.ModelFormatException naming the node when out of range
   */
  public static int of(Node node, int rank) {
    return ShapeInference.axisOf(node, node.intAttr("axis", -1), rank);
  }
}

package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;

/**
 * The typed attributes of the mean/variance normalizations (LayerNormalization,
 * InstanceNormalization, GroupNormalization): which axes or channel groups form one normalized
 * block, epsilon, and which form GroupNormalization's scale and bias have.
 */
public final class MeanVarianceNorm {
  /** The opset from which GroupNormalization's scale and bias are per channel, not per group. */
  public static final long GROUP_NORM_PER_CHANNEL_SINCE = 21;

  private MeanVarianceNorm() {}

  /** LayerNormalization's first normalized axis (attribute axis, default -1) as an index. */
  public static int layerAxis(Node node, int rank) {
    return ShapeInference.axisOf(node, node.intAttr("axis", -1), rank);
  }

  /** Attribute epsilon (default 1e-5). */
  public static float epsilon(Node node) {
    return node.floatAttr("epsilon", 1e-5f);
  }

  /**
   * GroupNormalization's group count (attribute num_groups, required), checked against the channel
   * count {@code channels} (-1 when unknown).
   *
   * @throws ModelFormatException naming the node when absent or not a divisor of the channels
   */
  public static int groups(Node node, int channels) {
    if (!node.hasAttribute("num_groups")) {
      throw new ModelFormatException(node.label() + " has no num_groups attribute");
    }
    long g = node.intAttr("num_groups", 0);
    if (g < 1 || g > Integer.MAX_VALUE || (channels >= 0 && channels % g != 0)) {
      throw new ModelFormatException(node.label() + ": num_groups " + g
          + " does not divide the " + channels + " channels");
    }
    return (int) g;
  }

  /**
   * True if a GroupNormalization of a model of this opset scales and shifts per channel (opset 21
   * and later), false if per group (opset 18).
   */
  public static boolean groupAffinePerChannel(long opset) {
    return opset >= GROUP_NORM_PER_CHANNEL_SINCE;
  }
}

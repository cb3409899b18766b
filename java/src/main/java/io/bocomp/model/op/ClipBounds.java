package io.bocomp.model.op;

import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;

/**
 * The bounds of a canonical Clip: optional inputs 1 (min) and 2 (max), each a constant scalar
 * (float or integer); an absent bound is infinite.
 *
 * @param lo the lower bound ({@code -inf} when absent)
 * @param hi the upper bound ({@code +inf} when absent)
 */
public record ClipBounds(float lo, float hi) {
  /**
   * @param consts the node's constant inputs (null entries for run-time or absent inputs)
   * @throws UnsupportedOperatorException naming the node when a bound is given but not a constant
   *     scalar
   */
  public static ClipBounds of(Node node, Tensor[] consts) {
    return new ClipBounds(bound(node, consts, 1, Float.NEGATIVE_INFINITY),
        bound(node, consts, 2, Float.POSITIVE_INFINITY));
  }

  private static float bound(Node node, Tensor[] consts, int i, float absent) {
    if (i >= node.inputs().size() || node.input(i).isEmpty()) {
      return absent;
    }
    Tensor t = consts == null || i >= consts.length ? null : consts[i];
    if (t == null || t.size() != 1) {
      throw new UnsupportedOperatorException(node.label()
          + ": Clip bounds must be constant scalars");
    }
    return t.isFloat() ? t.get(0) : t.getLong(0);
  }
}

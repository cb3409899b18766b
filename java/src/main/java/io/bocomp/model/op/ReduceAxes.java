package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import java.util.Arrays;

/**
 * Which axes a canonical (opset 18) reduction reduces, and the shape it leaves: the Reduce* ops
 * read their axes from optional input 1 (int64, negative values count from the end, repeats
 * allowed) with attributes {@code keepdims} (default 1) and {@code noop_with_empty_axes} (default
 * 0: absent or empty axes reduce every axis; 1: they make the node the identity); ArgMax and
 * ArgMin reduce the one axis of attribute {@code axis} (default 0), also with {@code keepdims}.
 */
public final class ReduceAxes {
  private ReduceAxes() {}

  /** True if the node keeps reduced axes as size-1 dimensions (attribute keepdims, default 1). */
  public static boolean keepDims(Node node) {
    return node.intAttr("keepdims", 1) != 0;
  }

  /**
   * True if the node is the identity: no axes (input absent or empty) and
   * {@code noop_with_empty_axes} set.
   *
   * @param axes the axes input's values, null when the input is absent
   */
  public static boolean isNoop(Node node, long[] axes) {
    return (axes == null || axes.length == 0) && node.intAttr("noop_with_empty_axes", 0) != 0;
  }

  /**
   * Which axes of a rank-{@code rank} input a Reduce* node reduces (all false for the identity).
   *
   * @param axes the axes input's values, null when the input is absent
   * @throws ModelFormatException naming the node for an axis out of range
   */
  public static boolean[] reduced(Node node, int rank, long[] axes) {
    boolean[] r = new boolean[rank];
    if (isNoop(node, axes)) {
      return r;
    }
    if (axes == null || axes.length == 0) {
      Arrays.fill(r, true);
      return r;
    }
    for (long a : axes) {
      r[ShapeInference.axisOf(node, a, rank)] = true;
    }
    return r;
  }

  /** The output shape: reduced axes become 1 (keepdims) or are dropped. */
  public static int[] outputShape(Node node, int[] x, boolean[] reduced) {
    boolean keep = keepDims(node);
    int n = 0;
    for (int i = 0; i < x.length; i++) {
      n += keep || !reduced[i] ? 1 : 0;
    }
    int[] out = new int[n];
    for (int i = 0, j = 0; i < x.length; i++) {
      if (!reduced[i]) {
        out[j++] = x[i];
      } else if (keep) {
        out[j++] = 1;
      }
    }
    return out;
  }

  /** ArgMax's and ArgMin's axis (attribute {@code axis}, default 0) as an index. */
  public static int argAxis(Node node, int rank) {
    if (rank == 0) {
      throw new ModelFormatException(node.label() + ": " + node.opType()
          + " needs an input of rank >= 1");
    }
    return ShapeInference.axisOf(node, node.intAttr("axis", 0), rank);
  }

  /** Shape rule of the Reduce* ops. */
  static int[] reduceShape(Node node, OpInputs in) {
    int[] x = in.shape(0);
    boolean axesKnown = !in.present(1) || in.constant(1) != null;
    long[] axes = axesKnown ? in.longs(1, null) : null;
    if (x == null) {
      return null;
    }
    if (!axesKnown) {
      if (!keepDims(node)) {
        return null;
      }
      int[] out = new int[x.length];
      Arrays.fill(out, -1);
      return out;
    }
    return outputShape(node, x, reduced(node, x.length, axes));
  }

  /** Shape rule of ArgMax and ArgMin. */
  static int[] argShape(Node node, int[] x) {
    if (x == null) {
      return null;
    }
    boolean[] r = new boolean[x.length];
    r[argAxis(node, x.length)] = true;
    return outputShape(node, x, r);
  }
}

package io.bocomp.model.op;

import io.bocomp.model.Broadcast;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import java.util.Arrays;
import java.util.Locale;

/**
 * Shape rules of the ops that repeat or rearrange elements (canonical forms, {@link OpsetForms}):
 * Expand, Tile, DepthToSpace, SpaceToDepth, GatherElements and Size (used by {@link LayoutOps};
 * Slice, Pad and Split have their typed descriptions {@link SliceRanges}, {@link PadWidths},
 * {@link SplitSizes}). Elements of {@link ShapeInference#UNKNOWN_VALUE} in a shape or repeats
 * input make that dimension unknown.
 */
public final class MovementShapes {
  private MovementShapes() {}

  /** Expand: the numpy broadcast of the input's shape and the shape input's value. */
  static int[] expand(Node node, OpInputs in) {
    int[] x = in.shape(0);
    long[] target = in.longs(1, null);
    if (x == null) {
      return null;
    }
    if (target == null) {
      int[] s = in.shape(1);
      if (s == null || s.length != 1 || s[0] < 0) {
        return null;
      }
      int[] t = new int[s[0]];
      Arrays.fill(t, -1);
      return Broadcast.shape(node, x, t);
    }
    int[] t = new int[target.length];
    for (int i = 0; i < t.length; i++) {
      long v = target[i];
      if (v == ShapeInference.UNKNOWN_VALUE) {
        t[i] = -1;
      } else if (v < 0 || v > Integer.MAX_VALUE) {
        throw new ModelFormatException(node.label() + ": invalid shape value " + v + " in "
            + Arrays.toString(target));
      } else {
        t[i] = (int) v;
      }
    }
    return Broadcast.shape(node, x, t);
  }

  /** Tile: each dimension times its repeat count (one per axis). */
  static int[] tile(Node node, OpInputs in) {
    int[] x = in.shape(0);
    long[] reps = in.longs(1, null);
    if (x == null) {
      return null;
    }
    if (reps == null) {
      int[] out = new int[x.length];
      Arrays.fill(out, -1);
      return out;
    }
    if (reps.length != x.length) {
      throw new ModelFormatException(node.label() + ": repeats has " + reps.length
          + " values for a rank-" + x.length + " input");
    }
    int[] out = new int[x.length];
    for (int d = 0; d < x.length; d++) {
      if (reps[d] == ShapeInference.UNKNOWN_VALUE || x[d] < 0) {
        out[d] = -1;
        continue;
      }
      if (reps[d] < 0) {
        throw new ModelFormatException(node.label() + ": negative repeat count " + reps[d]);
      }
      long v = x[d] * reps[d];
      if (v > Integer.MAX_VALUE) {
        throw new ModelFormatException(node.label() + ": tiled axis " + d + " is too large");
      }
      out[d] = (int) v;
    }
    return out;
  }

  /** DepthToSpace's blocksize attribute (required, positive). */
  public static int blocksize(Node node) {
    long b = node.intAttr("blocksize", 0);
    if (b <= 0 || b > 1 << 15) {
      throw new ModelFormatException(node.label() + ": blocksize must be a positive integer, got "
          + (node.hasAttribute("blocksize") ? String.valueOf(b) : "none"));
    }
    return (int) b;
  }

  /** True for DepthToSpace's CRD mode, false for DCR (the default). */
  public static boolean columnRowDepth(Node node) {
    String m = node.stringAttr("mode", "DCR").toUpperCase(Locale.ROOT);
    if (!m.equals("DCR") && !m.equals("CRD")) {
      throw new ModelFormatException(node.label() + ": unknown DepthToSpace mode '" + m + "'");
    }
    return m.equals("CRD");
  }

  /** DepthToSpace: [N, C, H, W] to [N, C / b^2, H * b, W * b]. */
  static int[] depthToSpace(Node node, int[] x) {
    int b = blocksize(node);
    columnRowDepth(node);
    if (x == null) {
      return null;
    }
    requireRank4(node, x);
    if (x[1] >= 0 && x[1] % (b * b) != 0) {
      throw new ModelFormatException(node.label() + ": " + x[1] + " channels are not a multiple"
          + " of blocksize^2 = " + b * b);
    }
    return new int[] {x[0], x[1] < 0 ? -1 : x[1] / (b * b), times(x[2], b), times(x[3], b)};
  }

  /** SpaceToDepth: [N, C, H, W] to [N, C * b^2, H / b, W / b]. */
  static int[] spaceToDepth(Node node, int[] x) {
    int b = blocksize(node);
    if (x == null) {
      return null;
    }
    requireRank4(node, x);
    for (int d = 2; d < 4; d++) {
      if (x[d] >= 0 && x[d] % b != 0) {
        throw new ModelFormatException(node.label() + ": spatial size " + x[d] + " is not a"
            + " multiple of blocksize " + b);
      }
    }
    return new int[] {x[0], times(x[1], b * b), x[2] < 0 ? -1 : x[2] / b,
        x[3] < 0 ? -1 : x[3] / b};
  }

  private static int times(int d, int f) {
    return d < 0 ? -1 : Math.multiplyExact(d, f);
  }

  private static void requireRank4(Node node, int[] x) {
    if (x.length != 4) {
      throw new ModelFormatException(node.label() + ": input must be 4-D [N, C, H, W], got "
          + Arrays.toString(x));
    }
  }

  /** GatherElements: the indices' shape (same rank as the data). */
  static int[] gatherElements(Node node, int[] data, int[] indices) {
    if (data == null || indices == null) {
      return indices;
    }
    if (data.length == 0 || indices.length != data.length) {
      throw new ModelFormatException(node.label() + ": indices " + Arrays.toString(indices)
          + " must have the rank of data " + Arrays.toString(data) + " (at least 1)");
    }
    int axis = ShapeInference.axisOf(node, node.intAttr("axis", 0), data.length);
    for (int d = 0; d < data.length; d++) {
      if (d != axis && data[d] >= 0 && indices[d] > data[d]) {
        throw new ModelFormatException(node.label() + ": indices " + Arrays.toString(indices)
            + " exceed data " + Arrays.toString(data) + " off the gather axis " + axis);
      }
    }
    return indices;
  }
}

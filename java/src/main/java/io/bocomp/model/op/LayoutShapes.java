package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import java.util.Arrays;

/**
 * Shape rules of the data-layout ops (canonical forms, {@link OpsetForms}): Flatten, Reshape, Transpose, Concat, Shape, Gather,
 * Unsqueeze, Squeeze (used by {@link LayoutOps}).
 */
public final class LayoutShapes {
  private LayoutShapes() {}

  static int[] flatten(Node node, int[] x) {
    if (x == null) {
      return null;
    }
    int r = x.length;
    long axis = node.intAttr("axis", 1);
    if (axis < -r || axis > r) {
      throw new ModelFormatException(node.label() + ": axis " + axis + " out of range for rank " + r);
    }
    int a = (int) (axis < 0 ? axis + r : axis);
    return new int[] {ShapeInference.product(x, 0, a), ShapeInference.product(x, a, r)};
  }

  /** The target-shape values of a Reshape, or null when not known statically. */
  static long[] reshapeTarget(Node node, OpInputs in) {
    Tensor t = in.constant(1);
    if (t == null) {
      return null;
    }
    if (t.rank() != 1) {
      throw new ModelFormatException(node.label() + ": shape input must be 1-D, got "
          + Arrays.toString(t.shape()));
    }
    return t.toLongArray();
  }

  static int[] reshape(Node node, OpInputs in) {
    int[] x = in.shape(0);
    long[] target = reshapeTarget(node, in);
    if (target == null) {
      int[] s = in.shape(1);
      if (s != null && s.length == 1 && s[0] >= 0) {
        int[] out = new int[s[0]];
        Arrays.fill(out, -1);
        return out;
      }
      return null;
    }
    boolean allowZero = node.intAttr("allowzero", 0) != 0;
    int[] out = new int[target.length];
    int inferred = -1;
    long knownOut = 1;
    boolean outUnknown = false;
    boolean[] copied = x == null ? null : new boolean[x.length];
    for (int j = 0; j < target.length; j++) {
      long v = target[j];
      if (v == ShapeInference.UNKNOWN_VALUE) {
        out[j] = -1;
        outUnknown = true;
      } else if (v == -1) {
        if (inferred >= 0) {
          throw new ModelFormatException(node.label() + ": shape " + Arrays.toString(target)
              + " has more than one -1");
        }
        inferred = j;
      } else if (v == 0 && !allowZero) {
        if (x == null) {
          out[j] = -1;
          outUnknown = true;
          continue;
        }
        if (j >= x.length) {
          throw new ModelFormatException(node.label() + ": shape " + Arrays.toString(target)
              + " copies dimension " + j + " of a rank-" + x.length + " input");
        }
        out[j] = x[j];
        copied[j] = true;
      } else if (v < 0 || v > Integer.MAX_VALUE) {
        throw new ModelFormatException(node.label() + ": invalid shape value " + v + " in "
            + Arrays.toString(target));
      } else {
        out[j] = (int) v;
        knownOut *= v;
      }
    }
    if (x == null) {
      if (inferred >= 0) {
        out[inferred] = -1;
      }
      return out;
    }
    // Dimensions copied with 0 cancel between input and output, known or not.
    long knownIn = 1;
    boolean inUnknown = false;
    for (int i = 0; i < x.length; i++) {
      if (copied[i]) {
        continue;
      }
      if (x[i] < 0) {
        inUnknown = true;
      } else {
        knownIn *= x[i];
      }
    }
    if (inferred >= 0) {
      if (inUnknown || outUnknown) {
        out[inferred] = -1;
      } else if (knownOut == 0 || knownIn % knownOut != 0) {
        throw new ModelFormatException(node.label() + ": cannot reshape " + Arrays.toString(x)
            + " to " + Arrays.toString(target));
      } else {
        out[inferred] = (int) (knownIn / knownOut);
      }
    } else if (!inUnknown && !outUnknown && knownIn != knownOut) {
      throw new ModelFormatException(node.label() + ": cannot reshape " + Arrays.toString(x)
          + " to " + Arrays.toString(target));
    }
    return out;
  }

  static int[] transpose(Node node, int[] x) {
    if (x == null) {
      return null;
    }
    int[] perm = permutation(node, x.length);
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[perm[i]];
    }
    return out;
  }

  /** Transpose's perm attribute (default: reversed axes), validated. */
  public static int[] permutation(Node node, int rank) {
    long[] p = node.intsAttr("perm", null);
    int[] perm = new int[rank];
    if (p == null) {
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
      return perm;
    }
    if (p.length != rank) {
      throw new ModelFormatException(node.label() + ": perm " + Arrays.toString(p)
          + " does not match rank " + rank);
    }
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      int a = ShapeInference.axisOf(node, p[i], rank);
      if (seen[a]) {
        throw new ModelFormatException(node.label() + ": perm " + Arrays.toString(p)
            + " is not a permutation");
      }
      seen[a] = true;
      perm[i] = a;
    }
    return perm;
  }

  static int[] concat(Node node, OpInputs in) {
    if (!node.hasAttribute("axis")) {
      throw new ModelFormatException(node.label() + " has no axis attribute");
    }
    int[] out = null;
    int axis = -1;
    boolean sumUnknown = false;
    long sum = 0;
    for (int i = 0; i < node.inputs().size(); i++) {
      if (!in.present(i)) {
        continue;
      }
      int[] s = in.shape(i);
      if (s == null) {
        return null;
      }
      if (out == null) {
        out = s.clone();
        axis = ShapeInference.axisOf(node, node.intAttr("axis", 0), s.length);
      } else if (s.length != out.length) {
        throw new ModelFormatException(node.label() + ": inputs differ in rank: "
            + Arrays.toString(out) + " and " + Arrays.toString(s));
      }
      for (int d = 0; d < s.length; d++) {
        if (d == axis) {
          continue;
        }
        if (out[d] < 0) {
          out[d] = s[d];
        } else if (s[d] >= 0 && s[d] != out[d]) {
          throw new ModelFormatException(node.label() + ": input shapes differ off the concat"
              + " axis " + axis + ": " + Arrays.toString(out) + " and " + Arrays.toString(s));
        }
      }
      if (s[axis] < 0) {
        sumUnknown = true;
      } else {
        sum += s[axis];
      }
    }
    if (out == null) {
      throw new ModelFormatException(node.label() + " has no inputs");
    }
    out[axis] = sumUnknown ? -1 : (int) sum;
    return out;
  }

  /** Shape's [start, end) range of axes (attributes from opset 15; defaults give all axes). */
  public static int[] shapeRange(Node node, int rank) {
    long start = node.intAttr("start", 0);
    long end = node.intAttr("end", rank);
    start = Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
    end = Math.max(0, Math.min(rank, end < 0 ? end + rank : end));
    return new int[] {(int) start, (int) Math.max(start, end)};
  }

  static int[] shapeOf(Node node, int[] x) {
    if (x == null) {
      return new int[] {-1};
    }
    int[] r = shapeRange(node, x.length);
    return new int[] {r[1] - r[0]};
  }

  static int[] gather(Node node, int[] data, int[] indices) {
    if (data == null || indices == null) {
      return null;
    }
    if (data.length == 0) {
      throw new ModelFormatException(node.label() + ": cannot gather from a scalar");
    }
    int axis = ShapeInference.axisOf(node, node.intAttr("axis", 0), data.length);
    int[] out = new int[data.length - 1 + indices.length];
    System.arraycopy(data, 0, out, 0, axis);
    System.arraycopy(indices, 0, out, axis, indices.length);
    System.arraycopy(data, axis + 1, out, axis + indices.length, data.length - axis - 1);
    return out;
  }

  /** The axes of an Unsqueeze/Squeeze (input 1), or null when absent or not known statically. */
  static long[] axes(Node node, OpInputs in) {
    Tensor t = in.constant(1);
    return t == null ? null : t.toLongArray();
  }

  static int[] unsqueeze(Node node, OpInputs in) {
    int[] x = in.shape(0);
    long[] axes = axes(node, in);
    if (axes == null && !in.present(1)) {
      throw new ModelFormatException(node.label() + " has no axes");
    }
    if (x == null || axes == null) {
      return null;
    }
    int r = x.length + axes.length;
    boolean[] added = new boolean[r];
    for (long a : axes) {
      int ax = ShapeInference.axisOf(node, a, r);
      if (added[ax]) {
        throw new ModelFormatException(node.label() + ": repeated axis in "
            + Arrays.toString(axes));
      }
      added[ax] = true;
    }
    int[] out = new int[r];
    for (int i = 0, j = 0; i < r; i++) {
      out[i] = added[i] ? 1 : x[j++];
    }
    return out;
  }

  static int[] squeeze(Node node, OpInputs in) {
    int[] x = in.shape(0);
    if (x == null) {
      return null;
    }
    long[] axes = axes(node, in);
    boolean[] drop = new boolean[x.length];
    if (axes == null) {
      if (in.present(1)) {
        return null; // axes computed at run time
      }
      for (int i = 0; i < x.length; i++) {
        if (x[i] < 0) {
          return null;
        }
        drop[i] = x[i] == 1;
      }
    } else {
      for (long a : axes) {
        int ax = ShapeInference.axisOf(node, a, x.length);
        if (x[ax] >= 0 && x[ax] != 1) {
          throw new ModelFormatException(node.label() + ": cannot squeeze axis " + a + " of size "
              + x[ax] + " in " + Arrays.toString(x));
        }
        drop[ax] = true;
      }
    }
    int n = 0;
    for (boolean d : drop) {
      n += d ? 0 : 1;
    }
    int[] out = new int[n];
    for (int i = 0, j = 0; i < x.length; i++) {
      if (!drop[i]) {
        out[j++] = x[i];
      }
    }
    return out;
  }
}

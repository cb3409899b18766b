package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.Arrays;

/**
 * How a canonical Split (opset 18 form) divides axis {@code axis} (attribute, default 0) of its
 * input among its outputs: the sizes of input {@code split} when given (one per output, summing
 * to the axis' length); else with attribute {@code num_outputs} (which must equal the number of
 * outputs) chunks of {@code ceil(n / num_outputs)} with a smaller last chunk; else equal parts, one
 * per output, which must divide the axis exactly.
 */
public final class SplitSizes {
  private SplitSizes() {}

  /** The split axis as an index into a rank-{@code rank} input. */
  public static int axis(Node node, int rank) {
    return ShapeInference.axisOf(node, node.intAttr("axis", 0), rank);
  }

  /**
   * The size of each output along the axis, for an input of (fully known) shape {@code x}.
   *
   * @throws UnsupportedOperatorException naming the node when {@code split} is not a constant
   * @throws ModelFormatException naming the node when the sizes do not fit
   */
  public static int[] of(Node node, int[] x, Tensor[] consts) {
    long[] split = null;
    if (node.inputs().size() > 1 && !node.input(1).isEmpty()) {
      Tensor t = consts.length > 1 ? consts[1] : null;
      if (t == null) {
        throw new UnsupportedOperatorException(node.label() + ": Split's sizes must be a"
            + " constant (computed from weights or shapes), not run-time data");
      }
      split = SliceRanges.vector(node, 1, t);
    }
    int[] sizes = compute(node, x[axis(node, x.length)], split);
    for (int s : sizes) {
      if (s < 0) {
        throw new UnsupportedOperatorException(node.label() + ": Split sizes of INT64_MIN are"
            + " not supported");
      }
    }
    return sizes;
  }

  /** The shape rule: one shape per output. */
  static int[][] shapes(Node node, OpInputs in) {
    int m = node.outputs().size();
    int[][] out = new int[m][];
    int[] x = in.shape(0);
    if (x == null) {
      return out;
    }
    int axis = axis(node, x.length);
    long[] unknown = new long[0];
    long[] split = in.longs(1, unknown);
    int[] sizes = split == unknown ? null : compute(node, x[axis], split);
    for (int i = 0; i < m; i++) {
      out[i] = x.clone();
      out[i][axis] = sizes == null ? -1 : sizes[i];
    }
    return out;
  }

  /**
   * The sizes along an axis of length {@code n} (-1: unknown, then sizes not fixed by
   * {@code split} are -1 too).
   */
  static int[] compute(Node node, int n, long[] split) {
    int m = node.outputs().size();
    int[] sizes = new int[m];
    if (split != null) {
      if (node.hasAttribute("num_outputs")) {
        throw new ModelFormatException(node.label() + ": Split has both a split input and"
            + " num_outputs");
      }
      if (split.length != m) {
        throw new ModelFormatException(node.label() + ": split has " + split.length
            + " sizes for " + m + " outputs");
      }
      long sum = 0;
      boolean unknown = false;
      for (int i = 0; i < m; i++) {
        if (split[i] == ShapeInference.UNKNOWN_VALUE) {
          sizes[i] = -1;
          unknown = true;
          continue;
        }
        if (split[i] < 0 || split[i] > Integer.MAX_VALUE) {
          throw new ModelFormatException(node.label() + ": invalid split size " + split[i]);
        }
        sizes[i] = (int) split[i];
        sum += split[i];
      }
      if (!unknown && n >= 0 && sum != n) {
        throw new ModelFormatException(node.label() + ": split sizes " + Arrays.toString(split)
            + " do not sum to the axis length " + n);
      }
      return sizes;
    }
    if (node.hasAttribute("num_outputs")) {
      long k = node.intAttr("num_outputs", 0);
      if (k != m) {
        throw new ModelFormatException(node.label() + ": num_outputs " + k + " but " + m
            + " outputs");
      }
      if (n < 0) {
        Arrays.fill(sizes, -1);
        return sizes;
      }
      int chunk = (int) ((n + (long) m - 1) / m);
      int last = n - chunk * (m - 1);
      if (last < 0) {
        throw new ModelFormatException(node.label() + ": an axis of " + n + " cannot be split"
            + " into " + m + " chunks of " + chunk);
      }
      Arrays.fill(sizes, chunk);
      sizes[m - 1] = last;
      return sizes;
    }
    if (n < 0) {
      Arrays.fill(sizes, -1);
      return sizes;
    }
    if (n % m != 0) {
      throw new ModelFormatException(node.label() + ": an axis of " + n + " cannot be split"
          + " equally into " + m + " outputs");
    }
    Arrays.fill(sizes, n / m);
    return sizes;
  }
}

package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.Arrays;

/**
 * What a canonical Slice (opset 13 form: inputs data, starts, ends, optional axes, optional steps)
 * takes along every axis of its input: the first index, the step and the number of elements
 * ({@code count[d] = -1} where not known statically). Axes the node does not name are taken whole.
 *
 * <p>The ONNX rules, per named axis of size {@code n}: a negative start or end counts from the
 * end ({@code + n}); for a positive step, start and end are then clamped to {@code [0, n]} and
 * the count is {@code ceil((end - start) / step)}; for a negative step, start is clamped to
 * {@code [0, n - 1]}, end to {@code [-1, n - 1]}, and the count is
 * {@code ceil((start - end) / -step)}; a negative count is 0. {@code INT64_MAX} and
 * {@code INT64_MIN} are therefore "to the end" sentinels. Axes may be negative; repeated axes, a
 * step of 0 and lengths that differ are malformed.
 *
 * <p>Limit: {@code INT64_MIN} is also how shape inference marks an element it does not know
 * ({@link ShapeInference#UNKNOWN_VALUE}). It is read as the sentinel only in {@code ends} with a
 * negative step (its one common use, reversing to the first element); in {@code starts}, or in
 * {@code ends} with a positive step, it means "not known" (which makes that axis' size unknown,
 * and a kernel refuses the node).
 *
 * @param start first index taken along each axis
 * @param step step along each axis (1 where the axis is taken whole)
 * @param count elements taken along each axis (-1: not known statically)
 */
public record SliceRanges(int[] start, int[] step, int[] count) {

  /** The output shape: {@link #count()}. */
  public int[] outputShape() {
    return count.clone();
  }

  /**
   * The ranges for an input of (fully known) shape {@code x} from the node's constant inputs.
   *
   * @throws UnsupportedOperatorException naming the node when a parameter is not a constant or
   *     is {@code INT64_MIN} where it means "not known"
   * @throws ModelFormatException naming the node for malformed parameters
   */
  public static SliceRanges of(Node node, int[] x, Tensor[] consts) {
    long[][] p = new long[4][];
    for (int i = 1; i <= 4; i++) {
      boolean present = i < node.inputs().size() && !node.input(i).isEmpty();
      if (!present) {
        continue;
      }
      Tensor t = i < consts.length ? consts[i] : null;
      if (t == null) {
        throw new UnsupportedOperatorException(node.label() + ": Slice's " + NAMES[i - 1]
            + " must be a constant (computed from weights or shapes), not run-time data");
      }
      p[i - 1] = vector(node, i, t);
    }
    SliceRanges r = compute(node, x, p[0], p[1], p[2], p[3]);
    for (int d = 0; d < x.length; d++) {
      if (r.count[d] < 0) {
        throw new UnsupportedOperatorException(node.label() + ": Slice with INT64_MIN in starts,"
            + " or in ends with a positive step, is not supported");
      }
    }
    return r;
  }

  private static final String[] NAMES = {"starts", "ends", "axes", "steps"};

  /** The shape rule: the output shape, -1 where not known statically. */
  static int[] shape(Node node, OpInputs in) {
    int[] x = in.shape(0);
    if (x == null) {
      return null;
    }
    long[] unknown = new long[0];
    long[] starts = in.longs(1, unknown);
    long[] ends = in.longs(2, unknown);
    long[] axes = in.longs(3, unknown);
    long[] steps = in.longs(4, unknown);
    if (axes == unknown) {
      int[] out = new int[x.length];
      Arrays.fill(out, -1);
      return out;
    }
    if (starts == unknown || ends == unknown || steps == unknown) {
      int[] out = x.clone();
      int n = axes != null ? axes.length : starts != unknown ? starts.length
          : ends != unknown ? ends.length : -1;
      if (axes == null && n < 0) {
        Arrays.fill(out, -1);
        return out;
      }
      for (int d : axisList(node, axes, n, x.length)) {
        out[d] = -1;
      }
      return out;
    }
    return compute(node, x, starts, ends, axes, steps).count;
  }

  /** The ranges; {@code x} may hold -1 (unknown dimension), which gives a count of -1. */
  static SliceRanges compute(Node node, int[] x, long[] starts, long[] ends, long[] axes,
      long[] steps) {
    if (starts == null || ends == null) {
      throw new ModelFormatException(node.label() + ": Slice needs starts and ends");
    }
    int n = starts.length;
    if (ends.length != n || (axes != null && axes.length != n)
        || (steps != null && steps.length != n)) {
      throw new ModelFormatException(node.label() + ": starts, ends, axes and steps differ in"
          + " length (" + n + ", " + ends.length + ", " + (axes == null ? "-" : axes.length)
          + ", " + (steps == null ? "-" : steps.length) + ")");
    }
    int r = x.length;
    int[] start = new int[r];
    int[] step = new int[r];
    int[] count = x.clone();
    Arrays.fill(step, 1);
    int[] ax = axisList(node, axes, n, r);
    for (int i = 0; i < n; i++) {
      int d = ax[i];
      long st = steps == null ? 1 : steps[i];
      if (st == 0) {
        throw new ModelFormatException(node.label() + ": Slice step 0 on axis " + d);
      }
      if (st > Integer.MAX_VALUE || st < -Integer.MAX_VALUE) {
        st = st > 0 ? Integer.MAX_VALUE : -Integer.MAX_VALUE; // takes one element at most
      }
      step[d] = (int) st;
      long s = starts[i];
      long e = ends[i];
      boolean unknown = s == ShapeInference.UNKNOWN_VALUE
          || (st > 0 && e == ShapeInference.UNKNOWN_VALUE);
      int dim = x[d];
      if (dim < 0 || unknown) {
        count[d] = -1;
        continue;
      }
      if (s < 0) {
        s += dim;
      }
      if (e < 0) {
        e += dim;
      }
      long c;
      if (st > 0) {
        s = clamp(s, 0, dim);
        e = clamp(e, 0, dim);
        c = e > s ? (e - s + st - 1) / st : 0;
      } else {
        s = clamp(s, 0, dim - 1L);
        e = clamp(e, -1, dim - 1L);
        c = s > e ? (s - e - st - 1) / -st : 0;
      }
      if (dim == 0) {
        c = 0;
        s = 0;
      }
      start[d] = (int) s;
      count[d] = (int) c;
    }
    return new SliceRanges(start, step, count);
  }

  /** The axes a Slice names (default 0..n-1), normalized and checked for repeats. */
  private static int[] axisList(Node node, long[] axes, int n, int rank) {
    int[] ax = new int[n];
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < n; i++) {
      long a = axes == null ? i : axes[i];
      ax[i] = ShapeInference.axisOf(node, a, rank);
      if (seen[ax[i]]) {
        throw new ModelFormatException(node.label() + ": axis " + a + " is repeated in "
            + Arrays.toString(axes));
      }
      seen[ax[i]] = true;
    }
    return ax;
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** A scalar or 1-D integer parameter. */
  static long[] vector(Node node, int input, Tensor t) {
    if (t.rank() > 1) {
      throw new ModelFormatException(node.label() + ": input " + input + " ('" + node.input(input)
          + "') must be 1-D, got shape " + Arrays.toString(t.shape()));
    }
    return t.toLongArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SliceRanges s && Arrays.equals(start, s.start)
        && Arrays.equals(step, s.step) && Arrays.equals(count, s.count);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(start) + Arrays.hashCode(step)) + Arrays.hashCode(count);
  }

  @Override
  public String toString() {
    return "SliceRanges[start=" + Arrays.toString(start) + ", step=" + Arrays.toString(step)
        + ", count=" + Arrays.toString(count) + "]";
  }
}

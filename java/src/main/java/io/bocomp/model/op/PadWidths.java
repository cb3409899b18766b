package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a canonical Pad (opset 18/19 form: inputs data, pads, optional constant_value, optional
 * axes; attribute mode) adds before and after every axis of its input. {@code pads} lists the
 * begin widths of the named axes (all axes by default, negative axes counting from the end) and
 * then their end widths. A negative width removes that many elements (ONNX Runtime crops first,
 * then pads the cropped input, so edge, reflect and wrap read the cropped input).
 *
 * <p>Modes: {@code constant} (the constant_value, default 0), {@code edge} (the nearest element),
 * {@code reflect} (mirrored about the edge element, which is not repeated) and {@code wrap}
 * (cyclic, opset 19). Edge, reflect and wrap need at least one element left on a padded axis.
 * Widths of {@link ShapeInference#UNKNOWN_VALUE} make that dimension unknown.
 *
 * @param begin elements added (negative: removed) before each axis
 * @param end elements added (negative: removed) after each axis
 * @param mode how the added elements are filled
 */
public record PadWidths(long[] begin, long[] end, Mode mode) {
  /** Pad's fill modes. */
  public enum Mode {
    CONSTANT, REFLECT, EDGE, WRAP
  }

  /** The node's mode attribute (default constant). */
  public static Mode mode(Node node) {
    String m = node.stringAttr("mode", "constant");
    switch (m.toLowerCase(Locale.ROOT)) {
      case "constant":
        return Mode.CONSTANT;
      case "reflect":
        return Mode.REFLECT;
      case "edge":
        return Mode.EDGE;
      case "wrap":
        return Mode.WRAP;
      default:
        throw new ModelFormatException(node.label() + ": unknown Pad mode '" + m + "'");
    }
  }

  /**
   * The widths for an input of (fully known) shape {@code x} from the node's constant inputs.
   *
   * @throws UnsupportedOperatorException naming the node when pads or axes are not constants
   * @throws ModelFormatException naming the node for malformed pads, axes or mode
   */
  public static PadWidths of(Node node, int[] x, Tensor[] consts) {
    long[] pads = constant(node, consts, 1, "pads");
    long[] axes = node.inputs().size() > 3 && !node.input(3).isEmpty()
        ? constant(node, consts, 3, "axes") : null;
    PadWidths w = compute(node, x, pads, axes);
    int[] out = w.outputShape(x);
    for (int d : out) {
      if (d < 0) {
        throw new UnsupportedOperatorException(node.label() + ": Pad widths of INT64_MIN are"
            + " not supported");
      }
    }
    return w;
  }

  private static long[] constant(Node node, Tensor[] consts, int i, String what) {
    Tensor t = i < consts.length ? consts[i] : null;
    if (t == null) {
      throw new UnsupportedOperatorException(node.label() + ": Pad's " + what + " must be a"
          + " constant (computed from weights or shapes), not run-time data");
    }
    return SliceRanges.vector(node, i, t);
  }

  /** The shape rule: the output shape, -1 where not known statically. */
  static int[] shape(Node node, OpInputs in) {
    int[] x = in.shape(0);
    mode(node);
    if (x == null) {
      return null;
    }
    long[] unknown = new long[0];
    long[] pads = in.longs(1, unknown);
    long[] axes = in.longs(3, unknown);
    if (pads == unknown || axes == unknown) {
      int[] out = new int[x.length];
      Arrays.fill(out, -1);
      return out;
    }
    return compute(node, x, pads, axes).outputShape(x);
  }

  /** The widths; {@code x} may hold -1 (unknown dimension). */
  static PadWidths compute(Node node, int[] x, long[] pads, long[] axes) {
    int r = x.length;
    int n = axes == null ? r : axes.length;
    if (pads.length != 2 * n) {
      throw new ModelFormatException(node.label() + ": pads has " + pads.length
          + " values; a Pad over " + n + " axes needs " + 2 * n);
    }
    long[] begin = new long[r];
    long[] end = new long[r];
    boolean[] seen = new boolean[r];
    for (int i = 0; i < n; i++) {
      int d = axes == null ? i : ShapeInference.axisOf(node, axes[i], r);
      if (seen[d]) {
        throw new ModelFormatException(node.label() + ": axis " + axes[i] + " is repeated in "
            + Arrays.toString(axes));
      }
      seen[d] = true;
      begin[d] = pads[i];
      end[d] = pads[n + i];
    }
    PadWidths w = new PadWidths(begin, end, mode(node));
    w.check(node, x);
    return w;
  }

  private void check(Node node, int[] x) {
    for (int d = 0; d < x.length; d++) {
      if (x[d] < 0 || unknown(d)) {
        continue;
      }
      long out = x[d] + begin[d] + end[d];
      if (out < 0) {
        throw new ModelFormatException(node.label() + ": pads " + begin[d] + " and " + end[d]
            + " remove more than the " + x[d] + " elements of axis " + d);
      }
      long kept = x[d] - Math.max(0, -begin[d]) - Math.max(0, -end[d]);
      if (mode != Mode.CONSTANT && kept <= 0 && (begin[d] > 0 || end[d] > 0)) {
        throw new ModelFormatException(node.label() + ": " + mode.name().toLowerCase(Locale.ROOT)
            + " padding of axis " + d + ", which has no elements left to repeat");
      }
      if (out > Integer.MAX_VALUE) {
        throw new ModelFormatException(node.label() + ": padded axis " + d + " is too large");
      }
    }
  }

  private boolean unknown(int d) {
    return begin[d] == ShapeInference.UNKNOWN_VALUE || end[d] == ShapeInference.UNKNOWN_VALUE;
  }

  /** The output shape for an input of shape {@code x} (-1 where unknown). */
  public int[] outputShape(int[] x) {
    int[] out = new int[x.length];
    for (int d = 0; d < x.length; d++) {
      out[d] = x[d] < 0 || unknown(d) ? -1 : (int) (x[d] + begin[d] + end[d]);
    }
    return out;
  }

  /**
   * Where each output index along axis {@code d} reads from the input: an input index, or -1 for
   * the constant value.
   */
  public int[] sourceIndices(int d, int dim) {
    int b = (int) begin[d];
    int e = (int) end[d];
    int lo = Math.max(0, -b);
    int kept = dim - lo - Math.max(0, -e);
    int[] src = new int[dim + b + e];
    int before = Math.max(0, b);
    for (int o = 0; o < src.length; o++) {
      int i = o - before;
      if (i < 0 || i >= kept) {
        switch (mode) {
          case CONSTANT:
            i = -1;
            break;
          case EDGE:
            i = i < 0 ? 0 : kept - 1;
            break;
          case WRAP:
            i = Math.floorMod(i, kept);
            break;
          default:
            i = reflect(i, kept);
            break;
        }
      }
      src[o] = i < 0 ? -1 : lo + i;
    }
    return src;
  }

  /** numpy's reflect: mirror about the first and last element, repeatedly. */
  private static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PadWidths p && Arrays.equals(begin, p.begin) && Arrays.equals(end, p.end)
        && mode == p.mode;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(begin) + Arrays.hashCode(end)) + mode.hashCode();
  }

  @Override
  public String toString() {
    return "PadWidths[begin=" + Arrays.toString(begin) + ", end=" + Arrays.toString(end)
        + ", mode=" + mode + "]";
  }
}

package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.Arrays;

/**
 * Which scale (and zero point) each element of a QuantizeLinear or DequantizeLinear input uses,
 * from the node's {@code axis} (default 1) and {@code block_size} (default 0) and the scale's shape:
 *
 * <ul>
 *   <li>{@link Kind#PER_TENSOR}: a scalar or one-element 1-D scale, for every element;
 *   <li>{@link Kind#PER_AXIS}: a 1-D scale of length {@code x.shape[axis]}, element {@code i} along
 *       the axis using scale {@code i} (opset 13);
 *   <li>{@link Kind#BLOCKED}: {@code block_size > 0} and a scale of x's rank whose dimension
 *       {@code axis} is {@code ceil(x.shape[axis] / block_size)} and whose other dimensions equal
 *       x's; element {@code i} along the axis uses block {@code i / block_size} (opset 21).
 * </ul>
 *
 * For an element at flat index {@code f} of x, seen as {@code [outer, dim, inner]} around the
 * axis, the scale index is {@link #scaleIndex}. Limits: the zero point, when given, must have the
 * scale's shape (ONNX's rule); float8 and other non-integer quantized types are refused by the op
 * schemas.
 *
 * @param kind how scales are shared
 * @param axis the (non-negative) axis of PER_AXIS and BLOCKED, 0 for PER_TENSOR
 * @param blockSize elements per block along the axis (BLOCKED), else 0
 * @param outer product of x's dimensions before the axis
 * @param dim x's dimension along the axis
 * @param inner product of x's dimensions after the axis
 */
public record QuantLayout(Kind kind, int axis, int blockSize, long outer, int dim, long inner) {

  /** How scales are shared between elements. */
  public enum Kind {
    PER_TENSOR, PER_AXIS, BLOCKED
  }

  /**
   * The layout of a node's scales.
   *
   * @param x the shape of input 0 (fully known)
   * @param scale the shape of the scale input (fully known)
   * @throws ModelFormatException naming the node when the shapes do not fit its attributes
   */
  public static QuantLayout of(Node node, int[] x, int[] scale) {
    long block = node.intAttr("block_size", 0);
    if (block < 0) {
      throw new ModelFormatException(node.label() + ": block_size " + block + " is negative");
    }
    boolean perTensor = block == 0 && isPerTensor(scale);
    if (!perTensor && x.length == 0) {
      throw new ModelFormatException(node.label() + ": a scalar input takes a scalar scale, got "
          + Arrays.toString(scale));
    }
    int a = perTensor ? 0 : axis(node, x);
    String why = check(a, block, x, scale, perTensor);
    if (why != null) {
      throw new ModelFormatException(node.label() + ": " + why);
    }
    return make(a, (int) Math.min(block, Integer.MAX_VALUE), x, perTensor);
  }

  /**
   * The layout of scales of shape {@code scale} for an input of shape {@code x}, without a node:
   * {@code axis} non-negative, {@code blockSize} 0 unless blocked.
   *
   * @throws IllegalArgumentException when the shapes do not fit
   */
  public static QuantLayout of(int axis, int blockSize, int[] x, int[] scale) {
    boolean perTensor = blockSize == 0 && isPerTensor(scale);
    if (!perTensor && (axis < 0 || axis >= x.length)) {
      throw new IllegalArgumentException("axis " + axis + " out of range for shape "
          + Arrays.toString(x));
    }
    String why = check(perTensor ? 0 : axis, blockSize, x, scale, perTensor);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    return make(perTensor ? 0 : axis, blockSize, x, perTensor);
  }

  /** ONNX Runtime takes a one-element 1-D scale as per-tensor too (the same result). */
  private static boolean isPerTensor(int[] scale) {
    return scale.length == 0 || (scale.length == 1 && scale[0] == 1);
  }

  private static String check(int a, long block, int[] x, int[] scale, boolean perTensor) {
    if (perTensor) {
      return null;
    }
    if (block == 0) {
      return scale.length != 1 || scale[0] != x[a] ? "a per-axis scale along axis " + a
          + " of input " + Arrays.toString(x) + " must have shape [" + x[a] + "], got "
          + Arrays.toString(scale) : null;
    }
    int[] want = x.clone();
    want[a] = (int) ((x[a] + block - 1) / block);
    return Arrays.equals(scale, want) ? null : "a blocked scale (block_size " + block + ", axis "
        + a + ") of input " + Arrays.toString(x) + " must have shape " + Arrays.toString(want)
        + ", got " + Arrays.toString(scale);
  }

  private static QuantLayout make(int a, int block, int[] x, boolean perTensor) {
    if (perTensor) {
      return new QuantLayout(Kind.PER_TENSOR, 0, 0, 1, 1, count(x, 0, x.length));
    }
    return new QuantLayout(block == 0 ? Kind.PER_AXIS : Kind.BLOCKED, a, block, count(x, 0, a),
        x[a], count(x, a + 1, x.length));
  }

  /** The node's axis attribute (default 1) made non-negative, checked against x's rank. */
  static int axis(Node node, int[] x) {
    long a = node.intAttr("axis", 1);
    long r = a < 0 ? a + x.length : a;
    if (r < 0 || r >= x.length) {
      throw new ModelFormatException(node.label() + ": axis " + a + " is out of range for an input"
          + " of rank " + x.length);
    }
    return (int) r;
  }

  /** Checks the attributes bocomp does not implement ({@code precision}, {@code saturate}). */
  static void checkAttributes(Node node) {
    if (node.intAttr("precision", 0) != 0) {
      throw new UnsupportedOperatorException(node.label() + ": precision "
          + node.intAttr("precision", 0) + " is not supported (the scale's precision is used)");
    }
  }

  /** Number of scale entries ({@code outer * blocks * inner} when blocked). */
  public long scaleCount() {
    switch (kind) {
      case PER_TENSOR:
        return 1;
      case PER_AXIS:
        return dim;
      default:
        return outer * blocks() * inner;
    }
  }

  /** Blocks along the axis (BLOCKED), else 0. */
  public int blocks() {
    return blockSize == 0 ? 0 : (dim + blockSize - 1) / blockSize;
  }

  /** The scale index of the element at flat index {@code f} of x. */
  public int scaleIndex(long f) {
    switch (kind) {
      case PER_TENSOR:
        return 0;
      case PER_AXIS:
        return (int) ((f / inner) % dim);
      default: {
        long in = f % inner;
        long rest = f / inner;
        long a = rest % dim;
        long o = rest / dim;
        return (int) ((o * blocks() + a / blockSize) * inner + in);
      }
    }
  }

  private static long count(int[] s, int from, int to) {
    long n = 1;
    for (int i = from; i < to; i++) {
      n *= s[i];
    }
    return n;
  }
}

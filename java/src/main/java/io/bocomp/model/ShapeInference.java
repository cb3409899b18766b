package io.bocomp.model;

import java.util.Arrays;
import java.util.Set;

/**
 * Static shape inference for the supported operators. Used at import (to annotate value infos and
 * fold shape subgraphs), by {@code inspect} (per-layer shapes and MACs) and by the engine (output
 * buffer shapes at run time, where every dimension is known).
 *
 * <p>ONNX semantics across opsets 7 to 22: attribute-versus-input forms (Unsqueeze/Squeeze axes
 * and Reshape's shape), Shape's start/end (15), Reshape's allowzero (14), Conv/pool windows through
 * {@link ConvGeometry}, numpy broadcasting through {@link Broadcast}. Unknown dimensions are -1 and
 * propagate; a null shape means even the rank is unknown. An int64 constant input may hold
 * {@link #UNKNOWN_VALUE} for an element that is not known statically (partial data from
 * {@link #infer}); Reshape then makes that dimension unknown.
 *
 * <p>Limits: Conv, ConvTranspose and pools are inferred for any spatial rank, but only the ops in
 * {@link SupportedOps#OPS} (the one list the importer and the engine share) are known; anything else, or any node outside the default domain, is
 * rejected.
 */
public final class ShapeInference {
  /** Marks an element of an int64 value that is not known statically. */
  public static final long UNKNOWN_VALUE = Long.MIN_VALUE;

  private ShapeInference() {}

  /** The op types this class infers, sorted: {@link SupportedOps#OPS}. */
  public static Set<String> supportedOps() {
    return SupportedOps.OPS;
  }

  /**
   * Output shapes of one node.
   *
   * @param node the node
   * @param inputShapes shape of each input; a dimension of -1 is unknown (e.g. a symbolic batch);
   *     null for an absent optional input or an unknown rank
   * @param constInputs the value of each input when it is a constant (initializer or folded), else null
   * @param opset the model's default-domain opset (attribute-vs-input conventions changed across opsets)
   * @return one shape per output (-1 where unknown; null where even the rank is unknown)
   * @throws UnsupportedOperatorException for ops outside the supported set
   * @throws ModelFormatException for inconsistent shapes, naming the node
   */
  public static int[][] outputShapes(Node node, int[][] inputShapes, Tensor[] constInputs, long opset) {
    requireSupported(node);
    requireInputs(node, opset);
    try {
      return infer(node, new Inputs(node, inputShapes, constInputs), opset);
    } catch (ModelFormatException e) {
      if (e.getMessage() != null && e.getMessage().contains("'" + node.name() + "'")) {
        throw e;
      }
      throw new ModelFormatException(node.label() + ": " + e.getMessage(), e);
    }
  }

  private static int[][] infer(Node node, Inputs in, long opset) {
    int n = node.outputs().size();
    switch (node.opType()) {
      case "Relu": case "LeakyRelu": case "Clip": case "Sigmoid": case "HardSigmoid":
      case "HardSwish": case "Tanh": case "Softmax": case "Identity": case "BatchNormalization":
        return sameAsInput(node, in, n);
      case "Dropout":
        return repeat(in.shape(0), n);
      case "Add": case "Sub": case "Mul": case "Div":
        return one(in.known(0) && in.known(1) ? Broadcast.shape(node, in.shape(0), in.shape(1)) : null);
      case "PRelu":
        if (in.known(0) && in.known(1)) {
          Broadcast.checkUnidirectional(node, "slope", in.shape(1), in.shape(0));
        }
        return one(in.shape(0));
      case "Conv":
        return one(ConvShapes.conv(node, in.shape(0), in.shape(1), in.shape(2)));
      case "ConvTranspose":
        return one(ConvShapes.convTranspose(node, in.shape(0), in.shape(1)));
      case "MaxPool": case "AveragePool":
        return repeat(ConvShapes.pool(node, in.shape(0)), n);
      case "GlobalAveragePool": case "GlobalMaxPool":
        return one(ConvShapes.globalPool(node, in.shape(0)));
      case "Gemm":
        return one(MatrixShapes.gemm(node, in.shape(0), in.shape(1), in.shape(2)));
      case "MatMul":
        return one(MatrixShapes.matMul(node, in.shape(0), in.shape(1)));
      case "Flatten":
        return one(LayoutShapes.flatten(node, in.shape(0)));
      case "Reshape":
        return one(LayoutShapes.reshape(node, in, opset));
      case "Transpose":
        return one(LayoutShapes.transpose(node, in.shape(0)));
      case "Concat":
        return one(LayoutShapes.concat(node, in));
      case "Shape":
        return one(LayoutShapes.shapeOf(node, in.shape(0)));
      case "Gather":
        return one(LayoutShapes.gather(node, in.shape(0), in.shape(1)));
      case "Unsqueeze":
        return one(LayoutShapes.unsqueeze(node, in, opset));
      case "Squeeze":
        return one(LayoutShapes.squeeze(node, in, opset));
      case "Constant":
        return one(constantValue(node).shape());
      default:
        throw unsupported(node);
    }
  }

  /**
   * The value a Constant node produces, from whichever of its value attributes is set (value,
   * value_float(s), value_int(s)).
   *
   * @throws UnsupportedOperatorException for sparse or string constants
   */
  public static Tensor constantValue(Node node) {
    Attribute a;
    if ((a = node.attribute("value")) != null) {
      return a.asTensor();
    }
    if ((a = node.attribute("value_float")) != null) {
      return Tensor.scalar(a.asFloat());
    }
    if ((a = node.attribute("value_floats")) != null) {
      float[] v = a.asFloats();
      return Tensor.of(new int[] {v.length}, v);
    }
    if ((a = node.attribute("value_int")) != null) {
      return Tensor.ofLongs(new int[0], new long[] {a.asInt()});
    }
    if ((a = node.attribute("value_ints")) != null) {
      long[] v = a.asInts();
      return Tensor.ofLongs(new int[] {v.length}, v);
    }
    throw new UnsupportedOperatorException(node.label()
        + ": only tensor, float(s) and int(s) constants are supported (not sparse or string)");
  }

  /** A copy of the graph whose value infos hold the inferred shape of every value. */
  public static Graph infer(Graph graph, long opset) {
    return new GraphShapePass(graph, opset).run();
  }

  static void requireSupported(Node node) {
    if (!SupportedOps.isSupported(node.domain(), node.opType())) {
      throw unsupported(node);
    }
  }

  static UnsupportedOperatorException unsupported(Node node) {
    String op = SupportedOps.DEFAULT_DOMAINS.contains(node.domain())
        ? node.opType() : node.domain() + "." + node.opType();
    return new UnsupportedOperatorException("node '" + node.name() + "' uses unsupported op "
        + op + "; supported ops: " + SupportedOps.listing());
  }

  private static void requireInputs(Node node, long opset) {
    int need;
    switch (node.opType()) {
      case "Constant":
        need = 0;
        break;
      case "Conv": case "ConvTranspose": case "Gemm": case "MatMul": case "Add": case "Sub":
      case "Mul": case "Div": case "PRelu": case "Gather":
        need = 2;
        break;
      case "Reshape":
        need = opset >= 5 ? 2 : 1;
        break;
      case "Unsqueeze":
        need = opset >= 13 && !node.hasAttribute("axes") ? 2 : 1;
        break;
      case "BatchNormalization":
        need = 5;
        break;
      default:
        need = 1;
    }
    for (int i = 0; i < need; i++) {
      if (node.input(i).isEmpty()) {
        throw new ModelFormatException(node.label() + " needs " + need + " inputs, input " + i
            + " is missing");
      }
    }
    if (node.outputs().isEmpty()) {
      throw new ModelFormatException(node.label() + " has no outputs");
    }
  }

  private static int[][] sameAsInput(Node node, Inputs in, int n) {
    if (node.opType().equals("BatchNormalization") && n > 1) {
      // training-mode outputs: running mean and variance have shape [C]
      int[][] out = new int[n][];
      out[0] = in.shape(0);
      int[] c = in.known(0) && in.shape(0).length > 1 ? new int[] {in.shape(0)[1]} : new int[] {-1};
      for (int i = 1; i < n; i++) {
        out[i] = c;
      }
      return out;
    }
    return repeat(in.shape(0), n);
  }

  private static int[][] one(int[] s) {
    return new int[][] {s};
  }

  private static int[][] repeat(int[] s, int n) {
    int[][] out = new int[n][];
    for (int i = 0; i < n; i++) {
      out[i] = s == null ? null : s.clone();
    }
    return out;
  }

  /** Product of dims, or -1 if any is unknown. */
  static int product(int[] s, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      if (s[i] < 0) {
        return -1;
      }
      p *= s[i];
    }
    if (p > Integer.MAX_VALUE) {
      throw new ModelFormatException("tensor too large: shape " + Arrays.toString(s));
    }
    return (int) p;
  }

  /**
   * Normalizes a possibly negative axis against a rank.
   *
   * @throws ModelFormatException naming the node when the axis is out of range
   */
  public static int axisOf(Node node, long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new ModelFormatException(node.label() + ": axis " + axis + " is out of range for rank "
          + rank);
    }
    return (int) a;
  }

  /** The per-input shapes and constants of one node, with checks that name the node. */
  static final class Inputs {
    private final Node node;
    private final int[][] shapes;
    private final Tensor[] consts;

    Inputs(Node node, int[][] shapes, Tensor[] consts) {
      this.node = node;
      this.shapes = shapes == null ? new int[0][] : shapes;
      this.consts = consts == null ? new Tensor[0] : consts;
    }

    boolean present(int i) {
      return !node.input(i).isEmpty();
    }

    boolean known(int i) {
      return i < shapes.length && shapes[i] != null;
    }

    /** Shape of input i, or null when unknown or absent. */
    int[] shape(int i) {
      return known(i) ? shapes[i] : null;
    }

    /** Constant value of input i, or null. */
    Tensor constant(int i) {
      return i < consts.length ? consts[i] : null;
    }
  }
}

package io.bocomp.engine.cpu;

import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.op.ClipBounds;
import io.bocomp.model.op.GeluApproximation;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An element-wise function of one value with its parameters: the activations Relu, LeakyRelu,
 * Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, Elu, Selu, Celu, ThresholdedRelu, Softplus,
 * Softsign, Mish and Gelu, and the math functions Exp, Log, Neg, Abs, Reciprocal, Sqrt, Erf,
 * Floor, Ceil, Round, Sign, Sin and Cos. The Unary kernel applies it; Conv, Gemm and MatMul apply
 * it in their epilogue when the planner fuses the node into them ({@link #isActivation} is the
 * planner's test, so every kind here is fusable).
 *
 * <p>It works on heap arrays in place. Functions of float arithmetic only (Relu, Clip, LeakyRelu,
 * HardSigmoid, HardSwish, Neg, Abs, Reciprocal, Sqrt, Softsign, ThresholdedRelu, Floor, Ceil,
 * Round, Sign) are plain loops the JIT may vectorize; transcendental ones are evaluated per
 * element in double ({@link Math#exp}, {@link Math#expm1}, {@link Math#log1p}, {@link Math#tanh},
 * {@link Math#sin}, ..., {@link ErrorFunction}) and rounded once to float, so their error is
 * about half a float ulp (they do not vectorize).
 *
 * <p>Formulas (ONNX defaults in parentheses): Elu {@code x < 0 ? alpha (e^x - 1) : x} (alpha 1);
 * Selu {@code x > 0 ? gamma x : gamma alpha (e^x - 1)} (alpha 1.6732632, gamma 1.0507010); Celu
 * {@code max(0, x) + min(0, alpha (e^(x/alpha) - 1))} (alpha 1); ThresholdedRelu
 * {@code x > alpha ? x : 0} (alpha 1); Softplus {@code log(1 + e^x)}, evaluated as
 * {@code max(x, 0) + log1p(e^-|x|)}; Softsign {@code x / (1 + |x|)}; Mish
 * {@code x tanh(softplus(x))}; Gelu {@code x/2 erfc(-x / sqrt 2)}, or with approximate "tanh"
 * {@code x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}; Round rounds half to even; Sign of 0 is
 * 0.
 *
 * @param kind the function
 * @param p the first parameter (alpha, Clip's lower bound, HardSwish's 1/6, ...; 0 when unused)
 * @param q the second parameter (beta, Clip's upper bound, gamma, ...; 0 when unused)
 */
record Activation(Kind kind, float p, float q) {
  enum Kind {
    RELU, LEAKY_RELU, CLIP, SIGMOID, HARD_SIGMOID, HARD_SWISH, TANH, EXP, LOG, NEG, ABS,
    RECIPROCAL, SQRT, ERF, GELU, GELU_TANH, ELU, SELU, CELU, THRESHOLDED_RELU, SOFTPLUS,
    SOFTSIGN, MISH, FLOOR, CEIL, ROUND, SIGN, SIN, COS
  }

  /** Selu's default alpha (the float the ONNX spec gives). */
  static final float SELU_ALPHA = 1.67326319217681884765625f;
  /** Selu's default gamma. */
  static final float SELU_GAMMA = 1.05070102214813232421875f;

  /** The op types without attributes, with their kinds. */
  private static final Map<String, Kind> PLAIN = Map.ofEntries(
      Map.entry("Relu", Kind.RELU), Map.entry("Sigmoid", Kind.SIGMOID),
      Map.entry("Tanh", Kind.TANH), Map.entry("Exp", Kind.EXP), Map.entry("Log", Kind.LOG),
      Map.entry("Neg", Kind.NEG), Map.entry("Abs", Kind.ABS),
      Map.entry("Reciprocal", Kind.RECIPROCAL), Map.entry("Sqrt", Kind.SQRT),
      Map.entry("Erf", Kind.ERF), Map.entry("Softplus", Kind.SOFTPLUS),
      Map.entry("Softsign", Kind.SOFTSIGN), Map.entry("Mish", Kind.MISH),
      Map.entry("Floor", Kind.FLOOR), Map.entry("Ceil", Kind.CEIL), Map.entry("Round", Kind.ROUND),
      Map.entry("Sign", Kind.SIGN), Map.entry("Sin", Kind.SIN), Map.entry("Cos", Kind.COS));

  /** Every op type that is an activation. */
  private static final Set<String> OPS = allOps();

  private static final double SQRT_HALF = Math.sqrt(0.5);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private static Set<String> allOps() {
    Set<String> s = new TreeSet<>(PLAIN.keySet());
    s.addAll(List.of("LeakyRelu", "Clip", "HardSigmoid", "HardSwish", "Gelu", "Elu", "Selu",
        "Celu", "ThresholdedRelu"));
    return Collections.unmodifiableSet(s);
  }

  /** True if nodes of this op type compute an {@link Activation}. */
  static boolean isActivation(String opType) {
    return OPS.contains(opType);
  }

  /**
   * The activation a (canonical) node computes. Clip's bounds are its optional inputs 1 and 2,
   * which must be constants ({@code consts[i]}, {@link ClipBounds}).
   *
   * @throws io.bocomp.model.UnsupportedOperatorException for Clip bounds that are not constants
   * @throws io.bocomp.model.ModelFormatException for a Gelu approximate other than none or tanh
   */
  static Activation of(Node node, Tensor[] consts) {
    Kind plain = PLAIN.get(node.opType());
    if (plain != null) {
      return new Activation(plain, 0, 0);
    }
    switch (node.opType()) {
      case "LeakyRelu":
        return new Activation(Kind.LEAKY_RELU, node.floatAttr("alpha", 0.01f), 0);
      case "HardSigmoid":
        return new Activation(Kind.HARD_SIGMOID, node.floatAttr("alpha", 0.2f),
            node.floatAttr("beta", 0.5f));
      case "HardSwish":
        return new Activation(Kind.HARD_SWISH, 1f / 6, 0.5f);
      case "Clip":
        ClipBounds b = ClipBounds.of(node, consts);
        return new Activation(Kind.CLIP, b.lo(), b.hi());
      case "Gelu":
        return new Activation(GeluApproximation.of(node) == GeluApproximation.TANH
            ? Kind.GELU_TANH : Kind.GELU, 0, 0);
      case "Elu":
        return new Activation(Kind.ELU, node.floatAttr("alpha", 1f), 0);
      case "Selu":
        return new Activation(Kind.SELU, node.floatAttr("alpha", SELU_ALPHA),
            node.floatAttr("gamma", SELU_GAMMA));
      case "Celu":
        return new Activation(Kind.CELU, node.floatAttr("alpha", 1f), 0);
      case "ThresholdedRelu":
        return new Activation(Kind.THRESHOLDED_RELU, node.floatAttr("alpha", 1f), 0);
      default:
        throw new IllegalArgumentException(node.opType() + " is not an activation");
    }
  }

  /** True if the function maps 0 to 0 (so zero padding stays zero through it). */
  boolean keepsZero() {
    float[] z = {0f};
    apply(z, 0, 1);
    return z[0] == 0f;
  }

  /**
   * Applies the function to {@code a[from..to)} in place, Gelu on {@link VectorMath} when
   * {@code tmp} is not null (the caller's {@link VectorSupport#enabled()} when it was made; a
   * scratch array of at least {@code to - from} floats): float arithmetic with an absolute error
   * of about 1e-7 instead of the double path's half ulp.
   */
  void apply(float[] a, int from, int to, float[] tmp) {
    if (tmp != null && kind == Kind.GELU) {
      VectorMath.gelu(a, from, to, tmp);
    } else {
      apply(a, from, to);
    }
  }

  /** True if {@link #apply(float[], int, int, float[])} has a vector path for this kind. */
  boolean vectorizes() {
    return kind == Kind.GELU;
  }

  /** Applies the function to {@code a[from..to)} in place. */
  void apply(float[] a, int from, int to) {
    final float p = this.p;
    final float q = this.q;
    switch (kind) {
      case RELU:
        for (int i = from; i < to; i++) {
          a[i] = Math.max(a[i], 0f);
        }
        break;
      case LEAKY_RELU:
        for (int i = from; i < to; i++) {
          float v = a[i];
          a[i] = v < 0f ? v * p : v;
        }
        break;
      case CLIP:
        for (int i = from; i < to; i++) {
          a[i] = Math.min(Math.max(a[i], p), q);
        }
        break;
      case SIGMOID:
        for (int i = from; i < to; i++) {
          a[i] = (float) (1.0 / (1.0 + Math.exp(-a[i])));
        }
        break;
      case HARD_SIGMOID:
        for (int i = from; i < to; i++) {
          a[i] = Math.max(0f, Math.min(1f, p * a[i] + q));
        }
        break;
      case HARD_SWISH:
        for (int i = from; i < to; i++) {
          float v = a[i];
          a[i] = v * Math.max(0f, Math.min(1f, p * v + q));
        }
        break;
      case TANH:
        for (int i = from; i < to; i++) {
          a[i] = (float) Math.tanh(a[i]);
        }
        break;
      default:
        applyMath(a, from, to, p, q);
    }
  }

  /** The kinds added with the math ops (kept apart so each switch stays small). */
  private void applyMath(float[] a, int from, int to, float p, float q) {
    switch (kind) {
      case EXP:
        for (int i = from; i < to; i++) {
          a[i] = (float) Math.exp(a[i]);
        }
        break;
      case LOG:
        for (int i = from; i < to; i++) {
          a[i] = (float) Math.log(a[i]);
        }
        break;
      case NEG:
        for (int i = from; i < to; i++) {
          a[i] = -a[i];
        }
        break;
      case ABS:
        for (int i = from; i < to; i++) {
          a[i] = Math.abs(a[i]);
        }
        break;
      case RECIPROCAL:
        for (int i = from; i < to; i++) {
          a[i] = 1f / a[i];
        }
        break;
      case SQRT:
        for (int i = from; i < to; i++) {
          a[i] = (float) Math.sqrt(a[i]);
        }
        break;
      case FLOOR:
        for (int i = from; i < to; i++) {
          a[i] = (float) Math.floor(a[i]);
        }
        break;
      case CEIL:
        for (int i = from; i < to; i++) {
          a[i] = (float) Math.ceil(a[i]);
        }
        break;
      case ROUND:
        for (int i = from; i < to; i++) {
          a[i] = (float) Math.rint(a[i]);
        }
        break;
      case SIGN:
        for (int i = from; i < to; i++) {
          a[i] = Math.signum(a[i]);
        }
        break;
      case SOFTSIGN:
        for (int i = from; i < to; i++) {
          float v = a[i];
          a[i] = v / (1f + Math.abs(v));
        }
        break;
      case THRESHOLDED_RELU:
        for (int i = from; i < to; i++) {
          float v = a[i];
          a[i] = v > p ? v : 0f;
        }
        break;
      default:
        applyTranscendental(a, from, to, p, q);
    }
  }

  /** The kinds evaluated in double per element. */
  private void applyTranscendental(float[] a, int from, int to, float p, float q) {
    switch (kind) {
      case SIN:
        for (int i = from; i < to; i++) {
          a[i] = (float) Math.sin(a[i]);
        }
        break;
      case COS:
        for (int i = from; i < to; i++) {
          a[i] = (float) Math.cos(a[i]);
        }
        break;
      case ERF:
        for (int i = from; i < to; i++) {
          a[i] = (float) ErrorFunction.erf(a[i]);
        }
        break;
      case GELU:
        for (int i = from; i < to; i++) {
          double v = a[i];
          a[i] = (float) (0.5 * v * ErrorFunction.erfc(-v * SQRT_HALF));
        }
        break;
      case GELU_TANH:
        for (int i = from; i < to; i++) {
          double v = a[i];
          a[i] = (float) (0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
        }
        break;
      case ELU:
        for (int i = from; i < to; i++) {
          float v = a[i];
          a[i] = v < 0f ? (float) (p * Math.expm1(v)) : v;
        }
        break;
      case SELU:
        for (int i = from; i < to; i++) {
          float v = a[i];
          a[i] = v > 0f ? q * v : (float) ((double) q * p * Math.expm1(v));
        }
        break;
      case CELU:
        for (int i = from; i < to; i++) {
          float v = a[i];
          a[i] = v > 0f ? v : (float) (p * Math.expm1((double) v / p));
        }
        break;
      case SOFTPLUS:
        for (int i = from; i < to; i++) {
          a[i] = (float) softplus(a[i]);
        }
        break;
      case MISH:
        for (int i = from; i < to; i++) {
          double v = a[i];
          a[i] = (float) (v * Math.tanh(softplus(v)));
        }
        break;
      default:
        throw new AssertionError(kind);
    }
  }

  /** {@code log(1 + e^x)} without overflow or cancellation. */
  private static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  @Override
  public String toString() {
    return kind + (kind == Kind.CLIP ? "[" + p + ", " + q + "]" : "");
  }
}

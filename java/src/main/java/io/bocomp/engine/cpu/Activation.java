package io.bocomp.engine.cpu;

import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.op.ClipBounds;

/**
 * An element-wise activation function with its parameters: Relu, LeakyRelu, Clip, Sigmoid,
 * HardSigmoid, HardSwish, Tanh. The Unary kernel applies it; Conv, Gemm and MatMul apply it in
 * their epilogue when the planner fuses the activation node into them. It works on heap arrays in
 * place, in loops the JIT vectorizes (Relu, Clip, LeakyRelu, HardSigmoid, HardSwish) or calls
 * {@link Math#exp}/{@link Math#tanh} for (Sigmoid, Tanh).
 */
final class Activation {
  enum Kind {
    RELU, LEAKY_RELU, CLIP, SIGMOID, HARD_SIGMOID, HARD_SWISH, TANH
  }

  private final Kind kind;
  private final float p;
  private final float q;

  private Activation(Kind kind, float p, float q) {
    this.kind = kind;
    this.p = p;
    this.q = q;
  }

  static boolean isActivation(String opType) {
    switch (opType) {
      case "Relu": case "LeakyRelu": case "Clip": case "Sigmoid": case "HardSigmoid":
      case "HardSwish": case "Tanh":
        return true;
      default:
        return false;
    }
  }

  /**
   * The activation a (canonical) node computes. Clip's bounds are its optional inputs 1 and 2,
   * which must be constants ({@code consts[i]}, {@link ClipBounds}).
   */
  static Activation of(Node node, Tensor[] consts) {
    switch (node.opType()) {
      case "Relu":
        return new Activation(Kind.RELU, 0, 0);
      case "LeakyRelu":
        return new Activation(Kind.LEAKY_RELU, node.floatAttr("alpha", 0.01f), 0);
      case "Sigmoid":
        return new Activation(Kind.SIGMOID, 0, 0);
      case "HardSigmoid":
        return new Activation(Kind.HARD_SIGMOID, node.floatAttr("alpha", 0.2f),
            node.floatAttr("beta", 0.5f));
      case "HardSwish":
        return new Activation(Kind.HARD_SWISH, 1f / 6, 0.5f);
      case "Tanh":
        return new Activation(Kind.TANH, 0, 0);
      case "Clip":
        ClipBounds b = ClipBounds.of(node, consts);
        return new Activation(Kind.CLIP, b.lo(), b.hi());
      default:
        throw new IllegalArgumentException(node.opType() + " is not an activation");
    }
  }

  Kind kind() {
    return kind;
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
        throw new AssertionError(kind);
    }
  }

  @Override
  public String toString() {
    return kind + (kind == Kind.CLIP ? "[" + p + ", " + q + "]" : "");
  }
}

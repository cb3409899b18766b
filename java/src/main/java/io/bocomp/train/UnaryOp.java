package io.bocomp.train;

import io.bocomp.model.Node;
import java.nio.FloatBuffer;

/**
 * Elementwise activations: Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh. The
 * backward pass multiplies the output gradient by the derivative at the saved input (Clip passes
 * the gradient where {@code min ≤ x ≤ max}, as PyTorch's clamp does; Relu where {@code x > 0}).
 */
final class UnaryOp extends TrainOp {
  enum Fn {
    RELU, LEAKY_RELU, CLIP, SIGMOID, HARD_SIGMOID, HARD_SWISH, TANH
  }

  private final Fn fn;
  private final float a;
  private final float b;

  /**
   * @param a LeakyRelu's slope, HardSigmoid's alpha or Clip's lower bound
   * @param b HardSigmoid's beta or Clip's upper bound
   */
  UnaryOp(Node node, Ref[] in, int out, Fn fn, float a, float b) {
    super(node, in, out);
    this.fn = fn;
    this.a = a;
    this.b = b;
  }

  @Override
  void forward(Workspace w) {
    int[] s = in[0].shape(w);
    FloatBuffer x = in[0].data(w);
    FloatBuffer y = w.output(out, s);
    int n = Buffers.size(s);
    for (int i = 0; i < n; i++) {
      y.put(i, apply(x.get(i)));
    }
  }

  private float apply(float v) {
    switch (fn) {
      case RELU:
        return v > 0f ? v : 0f;
      case LEAKY_RELU:
        return v >= 0f ? v : a * v;
      case CLIP:
        return Math.min(b, Math.max(a, v));
      case SIGMOID:
        return (float) (1.0 / (1.0 + Math.exp(-v)));
      case HARD_SIGMOID:
        return Math.max(0f, Math.min(1f, a * v + b));
      case HARD_SWISH:
        return v * Math.max(0f, Math.min(1f, v / 6f + 0.5f));
      case TANH:
        return (float) Math.tanh(v);
      default:
        throw new AssertionError(fn);
    }
  }

  /** dy/dx at input {@code v} with output {@code y}. */
  private float derivative(float v, float y) {
    switch (fn) {
      case RELU:
        return v > 0f ? 1f : 0f;
      case LEAKY_RELU:
        return v >= 0f ? 1f : a;
      case CLIP:
        return v >= a && v <= b ? 1f : 0f;
      case SIGMOID:
        return y * (1f - y);
      case HARD_SIGMOID: {
        float t = a * v + b;
        return t > 0f && t < 1f ? a : 0f;
      }
      case HARD_SWISH:
        return v < -3f ? 0f : v > 3f ? 1f : (2f * v + 3f) / 6f;
      case TANH:
        return 1f - y * y;
      default:
        throw new AssertionError(fn);
    }
  }

  @Override
  void backward(Workspace w) {
    FloatBuffer dx = in[0].grad(w);
    if (dx == null) {
      return;
    }
    FloatBuffer x = in[0].data(w);
    FloatBuffer y = w.val[out];
    FloatBuffer dy = w.grad[out];
    int n = Buffers.size(w.shape[out]);
    if (fn == Fn.RELU) {
      for (int i = 0; i < n; i++) {
        if (x.get(i) > 0f) {
          dx.put(i, dx.get(i) + dy.get(i));
        }
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      dx.put(i, dx.get(i) + dy.get(i) * derivative(x.get(i), y.get(i)));
    }
  }
}

package io.bocomp.train;

import io.bocomp.engine.cpu.VectorSupport;
import io.bocomp.model.Node;
import java.nio.FloatBuffer;

/**
 * Elementwise activations: Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh. The
 * backward pass multiplies the output gradient by the derivative at the saved input (Clip passes
 * the gradient where {@code min ≤ x ≤ max}, as PyTorch's clamp does; Relu where {@code x > 0}).
 * Relu's loops use the Vector API when it is available ({@link VectorLoops}).
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

  /** Elements per chunk staged in heap arrays: bulk copies plus loops the JIT vectorizes. */
  private static final int CHUNK = 4096;

  @Override
  void forward(Workspace w) {
    int[] s = in[0].shape(w);
    FloatBuffer x = in[0].data(w);
    FloatBuffer y = w.output(out, s);
    int n = Buffers.size(s);
    if (fn == Fn.RELU) {
      relu(w, x, y, n);
      return;
    }
    float[] a = w.heap(0, CHUNK);
    for (int off = 0; off < n; off += CHUNK) {
      int len = Math.min(CHUNK, n - off);
      x.get(off, a, 0, len);
      for (int i = 0; i < len; i++) {
        a[i] = apply(a[i]);
      }
      y.put(off, a, 0, len);
    }
  }

  /** {@code y = max(x, 0)} over {@code n} elements ({@code y} may be {@code x}). */
  static void relu(Workspace w, FloatBuffer x, FloatBuffer y, int n) {
    boolean vector = VectorSupport.enabled();
    float[] a = w.heap(0, CHUNK);
    for (int off = 0; off < n; off += CHUNK) {
      int len = Math.min(CHUNK, n - off);
      x.get(off, a, 0, len);
      if (vector) {
        VectorLoops.relu(a, len);
      } else {
        for (int i = 0; i < len; i++) {
          a[i] = Math.max(a[i], 0f);
        }
      }
      y.put(off, a, 0, len);
    }
  }

  /** {@code g = y > 0 ? g : 0} over {@code n} elements: a Relu's gradient from its output. */
  static void reluMask(Workspace w, FloatBuffer y, FloatBuffer g, int n) {
    boolean vector = VectorSupport.enabled();
    float[] ya = w.heap(0, CHUNK);
    float[] ga = w.heap(1, CHUNK);
    for (int off = 0; off < n; off += CHUNK) {
      int len = Math.min(CHUNK, n - off);
      y.get(off, ya, 0, len);
      g.get(off, ga, 0, len);
      if (vector) {
        VectorLoops.reluMask(ya, ga, len);
      } else {
        for (int i = 0; i < len; i++) {
          ga[i] = ya[i] > 0f ? ga[i] : 0f;
        }
      }
      g.put(off, ga, 0, len);
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
    boolean vector = VectorSupport.enabled();
    float[] xa = w.heap(0, CHUNK);
    float[] ga = w.heap(1, CHUNK);
    float[] da = w.heap(2, CHUNK);
    float[] ya = w.heap(3, CHUNK);
    for (int off = 0; off < n; off += CHUNK) {
      int len = Math.min(CHUNK, n - off);
      x.get(off, xa, 0, len);
      dy.get(off, ga, 0, len);
      dx.get(off, da, 0, len);
      if (fn == Fn.RELU && vector) {
        VectorLoops.reluBackward(xa, ga, da, len);
      } else if (fn == Fn.RELU) {
        for (int i = 0; i < len; i++) {
          da[i] += xa[i] > 0f ? ga[i] : 0f;
        }
      } else {
        y.get(off, ya, 0, len);
        for (int i = 0; i < len; i++) {
          da[i] += ga[i] * derivative(xa[i], ya[i]);
        }
      }
      dx.put(off, da, 0, len);
    }
  }
}

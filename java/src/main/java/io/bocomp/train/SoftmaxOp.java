package io.bocomp.train;

import io.bocomp.model.Node;
import io.bocomp.model.op.SoftmaxAxis;
import java.nio.FloatBuffer;

/**
 * Softmax over one axis (the canonical form, {@link SoftmaxAxis}); backward
 * {@code dx = y ⊙ (dy − Σ dy ⊙ y)} along the same axis.
 */
final class SoftmaxOp extends TrainOp {
  SoftmaxOp(Node node, Ref[] in, int out) {
    super(node, in, out);
  }

  /** {outer, len, inner} of the reduction. */
  private int[] extent(int[] s) {
    int ax = SoftmaxAxis.of(node, s.length);
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= s[i];
    }
    int inner = 1;
    for (int i = ax + 1; i < s.length; i++) {
      inner *= s[i];
    }
    return new int[] {outer, s[ax], inner};
  }

  @Override
  void forward(Workspace w) {
    int[] s = in[0].shape(w);
    int[] e = extent(s);
    FloatBuffer x = in[0].data(w);
    FloatBuffer y = w.output(out, s);
    for (int o = 0; o < e[0]; o++) {
      for (int q = 0; q < e[2]; q++) {
        int base = o * e[1] * e[2] + q;
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < e[1]; i++) {
          m = Math.max(m, x.get(base + i * e[2]));
        }
        double sum = 0;
        for (int i = 0; i < e[1]; i++) {
          float v = (float) Math.exp(x.get(base + i * e[2]) - m);
          y.put(base + i * e[2], v);
          sum += v;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < e[1]; i++) {
          y.put(base + i * e[2], y.get(base + i * e[2]) * inv);
        }
      }
    }
  }

  @Override
  void backward(Workspace w) {
    FloatBuffer dx = in[0].grad(w);
    if (dx == null) {
      return;
    }
    int[] e = extent(w.shape[out]);
    FloatBuffer y = w.val[out];
    FloatBuffer dy = w.grad[out];
    for (int o = 0; o < e[0]; o++) {
      for (int q = 0; q < e[2]; q++) {
        int base = o * e[1] * e[2] + q;
        double dot = 0;
        for (int i = 0; i < e[1]; i++) {
          int at = base + i * e[2];
          dot += dy.get(at) * y.get(at);
        }
        for (int i = 0; i < e[1]; i++) {
          int at = base + i * e[2];
          dx.put(at, dx.get(at) + y.get(at) * (float) (dy.get(at) - dot));
        }
      }
    }
  }
}

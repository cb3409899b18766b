package io.bocomp.train;

import io.bocomp.model.Node;
import java.nio.FloatBuffer;

/**
 * A BatchNormalization that import could not fold into a preceding Conv/Gemm, run as in
 * deployment: {@code y = γ (x − μ) / √(σ² + ε) + β} with the stored statistics fixed and γ, β
 * trained (folded BNs are trained through the folded weights of their layer instead).
 */
final class BatchNormOp extends TrainOp {
  private final float eps;

  BatchNormOp(Node node, Ref[] in, int out) {
    super(node, in, out);
    this.eps = node.floatAttr("epsilon", 1e-5f);
  }

  private int inner(int[] s) {
    int n = 1;
    for (int i = 2; i < s.length; i++) {
      n *= s[i];
    }
    return n;
  }

  private float invStd(Workspace w, int c) {
    return (float) (1.0 / Math.sqrt(in[4].data(w).get(c) + eps));
  }

  @Override
  void forward(Workspace w) {
    int[] s = in[0].shape(w);
    FloatBuffer x = in[0].data(w);
    FloatBuffer y = w.output(out, s);
    FloatBuffer gamma = in[1].data(w);
    FloatBuffer beta = in[2].data(w);
    FloatBuffer mean = in[3].data(w);
    int inner = inner(s);
    for (int n = 0; n < s[0]; n++) {
      for (int c = 0; c < s[1]; c++) {
        float scale = gamma.get(c) * invStd(w, c);
        float shift = beta.get(c) - mean.get(c) * scale;
        int base = (n * s[1] + c) * inner;
        for (int i = base; i < base + inner; i++) {
          y.put(i, x.get(i) * scale + shift);
        }
      }
    }
  }

  @Override
  void backward(Workspace w) {
    int[] s = w.shape[out];
    FloatBuffer x = in[0].data(w);
    FloatBuffer dy = w.grad[out];
    FloatBuffer dx = in[0].grad(w);
    FloatBuffer dGamma = in[1].grad(w);
    FloatBuffer dBeta = in[2].grad(w);
    FloatBuffer gamma = in[1].data(w);
    FloatBuffer mean = in[3].data(w);
    int inner = inner(s);
    for (int c = 0; c < s[1]; c++) {
      float inv = invStd(w, c);
      float scale = gamma.get(c) * inv;
      double sg = 0;
      double sb = 0;
      for (int n = 0; n < s[0]; n++) {
        int base = (n * s[1] + c) * inner;
        for (int i = base; i < base + inner; i++) {
          float g = dy.get(i);
          sb += g;
          sg += g * (x.get(i) - mean.get(c)) * inv;
          if (dx != null) {
            dx.put(i, dx.get(i) + g * scale);
          }
        }
      }
      if (dGamma != null) {
        dGamma.put(c, dGamma.get(c) + (float) sg);
      }
      if (dBeta != null) {
        dBeta.put(c, dBeta.get(c) + (float) sb);
      }
    }
  }
}

package io.bocomp.cuda;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * A deliberately naive host interpreter of the operators the GPU backend runs (direct loops in
 * double, ONNX semantics), the reference the GPU executable is compared with. It is itself checked
 * against ONNX Runtime ({@code ReferenceInterpreterTest}), so the chain GPU = reference = ORT holds.
 */
final class ReferenceInterpreter {
  private ReferenceInterpreter() {}

  static Map<String, Tensor> run(Graph graph, Map<String, Tensor> feeds) {
    Map<String, Tensor> v = new HashMap<>(graph.initializers());
    v.putAll(feeds);
    for (Node n : graph.nodes()) {
      if (v.containsKey(n.output(0))) {
        continue;  // fed
      }
      v.put(n.output(0), eval(n, v));
    }
    return v;
  }

  private static Tensor eval(Node n, Map<String, Tensor> v) {
    Tensor x = v.get(n.input(0));
    switch (n.opType()) {
      case "Conv":
        return conv(n, x, v.get(n.input(1)), n.input(2).isEmpty() ? null : v.get(n.input(2)));
      case "Relu":
        return map(x, a -> Math.max(a, 0));
      case "Clip": {
        float lo = v.get(n.input(1)).get(0);
        float hi = v.get(n.input(2)).get(0);
        return map(x, a -> Math.min(Math.max(a, lo), hi));
      }
      case "MaxPool":
      case "AveragePool":
        return pool(n, x, false);
      case "GlobalAveragePool":
        return pool(n, x, true);
      case "BatchNormalization":
        return batchNorm(n, x, v);
      case "Add":
        return add(x, v.get(n.input(1)));
      case "Flatten":
        return x.copy().reshape(x.dim(0), x.size() / x.dim(0));
      case "Dropout":
      case "Identity":
        return x.copy();
      case "Reshape": {
        long[] s = v.get(n.input(1)).toLongArray();
        int known = 1;
        for (long d : s) {
          known *= d == -1 ? 1 : (int) d;
        }
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
          shape[i] = s[i] == -1 ? x.size() / known : (int) s[i];
        }
        return x.copy().reshape(shape);
      }
      case "Gemm":
        return gemm(x, v.get(n.input(1)), v.get(n.input(2)), n.intAttr("transB", 0) != 0,
            n.floatAttr("alpha", 1f), n.floatAttr("beta", 1f));
      case "MatMul":
        return gemm(x, v.get(n.input(1)), null, false, 1f, 0f);
      case "Softmax":
        return softmax(x);
      default:
        throw new IllegalArgumentException("reference has no " + n.opType());
    }
  }

  interface FloatOp {
    float apply(float a);
  }

  private static Tensor map(Tensor x, FloatOp f) {
    float[] d = x.toFloatArray();
    for (int i = 0; i < d.length; i++) {
      d[i] = f.apply(d[i]);
    }
    return Tensor.of(x.shape(), d);
  }

  private static Tensor conv(Node n, Tensor x, Tensor w, Tensor b) {
    int[] xs = x.shape();
    int[] ws = w.shape();
    ConvGeometry g = ConvGeometry.of(n, new int[] {ws[2], ws[3]}, xs[2], xs[3]);
    int oh = g.outH(xs[2]);
    int ow = g.outW(xs[3]);
    float[] out = new float[xs[0] * ws[0] * oh * ow];
    for (int img = 0; img < xs[0]; img++) {
      for (int m = 0; m < ws[0]; m++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double acc = b == null ? 0 : b.get(m);
            for (int c = 0; c < ws[1]; c++) {
              for (int i = 0; i < ws[2]; i++) {
                for (int j = 0; j < ws[3]; j++) {
                  int y = oy * g.sh() - g.padTop() + i * g.dh();
                  int xx = ox * g.sw() - g.padLeft() + j * g.dw();
                  if (y >= 0 && y < xs[2] && xx >= 0 && xx < xs[3]) {
                    acc += (double) x.get(((img * xs[1] + c) * xs[2] + y) * xs[3] + xx)
                        * w.get(((m * ws[1] + c) * ws[2] + i) * ws[3] + j);
                  }
                }
              }
            }
            out[((img * ws[0] + m) * oh + oy) * ow + ox] = (float) acc;
          }
        }
      }
    }
    return Tensor.of(new int[] {xs[0], ws[0], oh, ow}, out);
  }

  private static Tensor pool(Node n, Tensor x, boolean global) {
    int[] s = x.shape();
    boolean max = n.opType().equals("MaxPool");
    ConvGeometry g = global ? new ConvGeometry(s[2], s[3], 1, 1, 1, 1, 0, 0, 0, 0)
        : ConvGeometry.of(n, new int[] {(int) n.intsAttr("kernel_shape", null)[0],
            (int) n.intsAttr("kernel_shape", null)[1]}, s[2], s[3]);
    boolean includePad = n.intAttr("count_include_pad", 0) != 0;
    int oh = g.outH(s[2]);
    int ow = g.outW(s[3]);
    float[] out = new float[s[0] * s[1] * oh * ow];
    for (int p = 0; p < s[0] * s[1]; p++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int count = 0;
          for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
              int y = oy * g.sh() - g.padTop() + i;
              int xx = ox * g.sw() - g.padLeft() + j;
              if (y >= 0 && y < s[2] && xx >= 0 && xx < s[3]) {
                float a = x.get((p * s[2] + y) * s[3] + xx);
                acc = max ? Math.max(acc, a) : acc + a;
                count++;
              }
            }
          }
          out[(p * oh + oy) * ow + ox] = (float) (max ? acc
              : acc / (includePad ? g.kh() * g.kw() : count));
        }
      }
    }
    return Tensor.of(new int[] {s[0], s[1], oh, ow}, out);
  }

  private static Tensor batchNorm(Node n, Tensor x, Map<String, Tensor> v) {
    Tensor scale = v.get(n.input(1));
    Tensor bias = v.get(n.input(2));
    Tensor mean = v.get(n.input(3));
    Tensor var = v.get(n.input(4));
    double eps = n.floatAttr("epsilon", 1e-5f);
    int c = x.dim(1);
    int inner = x.size() / x.dim(0) / c;
    float[] d = x.toFloatArray();
    for (int i = 0; i < d.length; i++) {
      int ch = (i / inner) % c;
      d[i] = (float) ((d[i] - mean.get(ch)) / Math.sqrt(var.get(ch) + eps) * scale.get(ch)
          + bias.get(ch));
    }
    return Tensor.of(x.shape(), d);
  }

  private static Tensor add(Tensor a, Tensor b) {
    int[] out = Broadcasting.shape(a.shape(), b.shape());
    long[] sa = Broadcasting.strides(a.shape(), out);
    long[] sb = Broadcasting.strides(b.shape(), out);
    float[] d = new float[Tensor.checkedSize(out)];
    for (int e = 0; e < d.length; e++) {
      long rest = e;
      long ia = 0;
      long ib = 0;
      for (int k = out.length - 1; k >= 0; k--) {
        long i = rest % out[k];
        rest /= out[k];
        ia += i * sa[k];
        ib += i * sb[k];
      }
      d[e] = a.get((int) ia) + b.get((int) ib);
    }
    return Tensor.of(out, d);
  }

  private static Tensor gemm(Tensor a, Tensor b, Tensor c, boolean transB, float alpha, float beta) {
    int m = a.dim(0);
    int k = a.dim(1);
    int n = transB ? b.dim(0) : b.dim(1);
    float[] d = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int t = 0; t < k; t++) {
          acc += (double) a.get(i * k + t) * (transB ? b.get(j * k + t) : b.get(t * n + j));
        }
        d[i * n + j] = (float) (alpha * acc + (c == null ? 0 : beta * c.get(j % c.size())));
      }
    }
    return Tensor.of(new int[] {m, n}, d);
  }

  private static Tensor softmax(Tensor x) {
    int cols = x.dim(-1);
    float[] d = x.toFloatArray();
    for (int r = 0; r < d.length / cols; r++) {
      double mx = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) {
        mx = Math.max(mx, d[r * cols + j]);
      }
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        sum += Math.exp(d[r * cols + j] - mx);
      }
      for (int j = 0; j < cols; j++) {
        d[r * cols + j] = (float) (Math.exp(d[r * cols + j] - mx) / sum);
      }
    }
    return Tensor.of(x.shape(), d);
  }
}

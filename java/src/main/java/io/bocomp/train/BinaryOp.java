package io.bocomp.train;

import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Add, Sub, Mul, Div and PRelu with NumPy broadcasting. The backward pass sums each operand's
 * gradient over the dimensions it was broadcast along (a per-channel bias gets {@code Σ_{n,h,w}}).
 * Same-shape operands (a residual Add) take a flat loop; others walk the output with per-operand
 * strides (0 along broadcast dimensions).
 */
final class BinaryOp extends TrainOp {
  enum Kind {
    ADD, SUB, MUL, DIV, PRELU
  }

  private final Kind kind;

  BinaryOp(Node node, Ref[] in, int out, Kind kind) {
    super(node, in, out);
    this.kind = kind;
  }

  static int[] broadcast(Node node, int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] o = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
      int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new UnsupportedOperatorException(node.label() + ": shapes " + Arrays.toString(a)
            + " and " + Arrays.toString(b) + " do not broadcast");
      }
      o[i] = da == 1 ? db : da;
    }
    return o;
  }

  /** Element strides of {@code s} aligned to output shape {@code o}, 0 where broadcast. */
  private static int[] strides(int[] s, int[] o) {
    int[] st = new int[o.length];
    int acc = 1;
    for (int i = s.length - 1; i >= 0; i--) {
      int oi = i + o.length - s.length;
      st[oi] = s[i] == 1 && o[oi] != 1 ? 0 : acc;
      acc *= s[i];
    }
    return st;
  }

  private float f(float x, float y) {
    switch (kind) {
      case ADD:
        return x + y;
      case SUB:
        return x - y;
      case MUL:
        return x * y;
      case DIV:
        return x / y;
      case PRELU:
        return x > 0f ? x : y * x;
      default:
        throw new AssertionError(kind);
    }
  }

  @Override
  void forward(Workspace w) {
    int[] as = in[0].shape(w);
    int[] bs = in[1].shape(w);
    int[] os = broadcast(node, as, bs);
    if (kind == Kind.PRELU && !Arrays.equals(os, as)) {
      throw new UnsupportedOperatorException(node.label() + ": PRelu slope " + Arrays.toString(bs)
          + " does not broadcast to the input " + Arrays.toString(as));
    }
    for (Ref r : in) {
      int[] s = r.shape(w);
      if (r.isSlot() && (s.length != os.length || s[0] != os[0])) {
        throw new UnsupportedOperatorException(node.label() + ": operand '" + r.name
            + "' is broadcast along the batch dimension, which training cannot split");
      }
    }
    FloatBuffer a = in[0].data(w);
    FloatBuffer b = in[1].data(w);
    FloatBuffer y = w.output(out, os);
    int n = Buffers.size(os);
    if (Arrays.equals(as, bs)) {
      for (int i = 0; i < n; i++) {
        y.put(i, f(a.get(i), b.get(i)));
      }
      return;
    }
    Walk walk = new Walk(os, strides(as, os), strides(bs, os));
    for (int i = 0; i < n; i++) {
      y.put(i, f(a.get(walk.ia), b.get(walk.ib)));
      walk.next();
    }
  }

  @Override
  void backward(Workspace w) {
    FloatBuffer ga = in[0].grad(w);
    FloatBuffer gb = in[1].grad(w);
    if (ga == null && gb == null) {
      return;
    }
    int[] as = in[0].shape(w);
    int[] bs = in[1].shape(w);
    int[] os = w.shape[out];
    FloatBuffer a = in[0].data(w);
    FloatBuffer b = in[1].data(w);
    FloatBuffer dy = w.grad[out];
    int n = Buffers.size(os);
    Walk walk = new Walk(os, strides(as, os), strides(bs, os));
    for (int i = 0; i < n; i++) {
      float g = dy.get(i);
      int ia = walk.ia;
      int ib = walk.ib;
      float x = a.get(ia);
      float v = b.get(ib);
      if (ga != null) {
        float d;
        switch (kind) {
          case MUL:
            d = g * v;
            break;
          case DIV:
            d = g / v;
            break;
          case PRELU:
            d = x > 0f ? g : g * v;
            break;
          default:
            d = g;
        }
        ga.put(ia, ga.get(ia) + d);
      }
      if (gb != null) {
        float d;
        switch (kind) {
          case SUB:
            d = -g;
            break;
          case MUL:
            d = g * x;
            break;
          case DIV:
            d = -g * x / (v * v);
            break;
          case PRELU:
            d = x > 0f ? 0f : g * x;
            break;
          default:
            d = g;
        }
        gb.put(ib, gb.get(ib) + d);
      }
      walk.next();
    }
  }

  /** An odometer over the output shape tracking both operands' element offsets. */
  private static final class Walk {
    private final int[] shape;
    private final int[] sa;
    private final int[] sb;
    private final int[] idx;
    int ia;
    int ib;

    Walk(int[] shape, int[] sa, int[] sb) {
      this.shape = shape;
      this.sa = sa;
      this.sb = sb;
      this.idx = new int[shape.length];
    }

    void next() {
      for (int d = shape.length - 1; d >= 0; d--) {
        idx[d]++;
        ia += sa[d];
        ib += sb[d];
        if (idx[d] < shape[d]) {
          return;
        }
        ia -= sa[d] * shape[d];
        ib -= sb[d] * shape[d];
        idx[d] = 0;
      }
    }
  }
}

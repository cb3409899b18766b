package io.bocomp.train;

import io.bocomp.model.Node;
import java.nio.FloatBuffer;

/** Transpose by a permutation that keeps the batch first; the gradient is permuted back. */
final class TransposeOp extends TrainOp {
  private final int[] perm;

  TransposeOp(Node node, Ref[] in, int out, int[] perm) {
    super(node, in, out);
    this.perm = perm;
  }

  private static int[] strides(int[] s) {
    int[] st = new int[s.length];
    int acc = 1;
    for (int i = s.length - 1; i >= 0; i--) {
      st[i] = acc;
      acc *= s[i];
    }
    return st;
  }

  /** Calls back (output index, input index) for every element. */
  private void walk(int[] xs, Visit v) {
    int r = xs.length;
    int[] os = new int[r];
    int[] src = new int[r];
    int[] xst = strides(xs);
    for (int i = 0; i < r; i++) {
      os[i] = xs[perm[i]];
      src[i] = xst[perm[i]];
    }
    int n = Buffers.size(xs);
    int[] idx = new int[r];
    int in = 0;
    for (int o = 0; o < n; o++) {
      v.visit(o, in);
      for (int d = r - 1; d >= 0; d--) {
        idx[d]++;
        in += src[d];
        if (idx[d] < os[d]) {
          break;
        }
        in -= src[d] * os[d];
        idx[d] = 0;
      }
    }
  }

  private interface Visit {
    void visit(int out, int in);
  }

  @Override
  void forward(Workspace w) {
    int[] xs = in[0].shape(w);
    int[] os = new int[xs.length];
    for (int i = 0; i < xs.length; i++) {
      os[i] = xs[perm[i]];
    }
    FloatBuffer x = in[0].data(w);
    FloatBuffer y = w.output(out, os);
    walk(xs, (o, i) -> y.put(o, x.get(i)));
  }

  @Override
  void backward(Workspace w) {
    FloatBuffer dx = in[0].grad(w);
    if (dx == null) {
      return;
    }
    FloatBuffer dy = w.grad[out];
    walk(in[0].shape(w), (o, i) -> dx.put(i, dx.get(i) + dy.get(o)));
  }
}

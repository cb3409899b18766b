package io.bocomp.train;

import io.bocomp.model.Node;
import java.nio.FloatBuffer;

/** Concat along an axis after the batch; the gradient is split back into the inputs' slices. */
final class ConcatOp extends TrainOp {
  private final int axisAttr;

  ConcatOp(Node node, Ref[] in, int out) {
    super(node, in, out);
    this.axisAttr = (int) node.intAttr("axis", 1);
  }

  private int axis(int rank) {
    return axisAttr < 0 ? axisAttr + rank : axisAttr;
  }

  /** Elements of one contiguous run per outer index for input {@code s}. */
  private static int inner(int[] s, int axis) {
    int n = 1;
    for (int i = axis; i < s.length; i++) {
      n *= s[i];
    }
    return n;
  }

  @Override
  void forward(Workspace w) {
    int[] s0 = in[0].shape(w);
    int ax = axis(s0.length);
    int[] os = s0.clone();
    os[ax] = 0;
    for (Ref r : in) {
      os[ax] += r.shape(w)[ax];
    }
    FloatBuffer y = w.output(out, os);
    int outer = Buffers.size(os) / Math.max(1, inner(os, ax));
    int oRun = inner(os, ax);
    int off = 0;
    for (Ref r : in) {
      int run = inner(r.shape(w), ax);
      FloatBuffer x = r.data(w);
      for (int o = 0; o < outer; o++) {
        y.put(o * oRun + off, x, o * run, run);
      }
      off += run;
    }
  }

  @Override
  void backward(Workspace w) {
    int[] os = w.shape[out];
    int ax = axis(os.length);
    int oRun = inner(os, ax);
    int outer = Buffers.size(os) / Math.max(1, oRun);
    FloatBuffer dy = w.grad[out];
    int off = 0;
    for (Ref r : in) {
      int run = inner(r.shape(w), ax);
      FloatBuffer dx = r.grad(w);
      if (dx != null) {
        for (int o = 0; o < outer; o++) {
          Buffers.addTo(dy, o * oRun + off, dx, o * run, run);
        }
      }
      off += run;
    }
  }
}

package io.bocomp.train;

import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Ops that only relabel the shape (Flatten, Reshape, Squeeze, Unsqueeze) or pass values through
 * (Identity, and Dropout, which is the identity here: fine-tuning runs the network as it is
 * deployed). The output is a copy; the gradient passes back unchanged. The batch dimension must
 * survive: the output shape is resolved per sample, so any shard size works.
 */
final class ReshapeOp extends TrainOp {
  /** Maps the input shape (dimension 0 = the shard's batch) to the output shape. */
  private final UnaryOperator<int[]> shapeFn;

  ReshapeOp(Node node, Ref[] in, int out, UnaryOperator<int[]> shapeFn) {
    super(node, in, out);
    this.shapeFn = shapeFn;
  }

  @Override
  void forward(Workspace w) {
    int[] s = in[0].shape(w);
    int[] o = shapeFn.apply(s.clone());
    if (o.length == 0 || o[0] != s[0] || Buffers.size(o) != Buffers.size(s)) {
      throw new UnsupportedOperatorException(node.label() + ": training needs the batch dimension"
          + " kept in place, but input " + Arrays.toString(s) + " becomes " + Arrays.toString(o));
    }
    FloatBuffer y = w.output(out, o);
    y.put(0, in[0].data(w), 0, Buffers.size(s));
  }

  @Override
  void backward(Workspace w) {
    FloatBuffer dx = in[0].grad(w);
    if (dx != null) {
      Buffers.addTo(w.grad[out], 0, dx, 0, Buffers.size(w.shape[out]));
    }
  }

  /** Reshape to {@code target} (ONNX rules: 0 copies the input dim, -1 is inferred), batch kept. */
  static int[] reshape(Node node, long[] target, int[] in, boolean allowZero) {
    int total = Buffers.size(in);
    int[] o = new int[target.length];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      long t = target[i];
      if (i == 0) {
        o[0] = in[0]; // the batch: whatever the declared value, each shard keeps its own
        known *= Math.max(1, in[0]);
        continue;
      }
      if (t == 0 && !allowZero) {
        if (i >= in.length) {
          throw new UnsupportedOperatorException(node.label() + ": Reshape copies dimension " + i
              + " of a rank-" + in.length + " input");
        }
        o[i] = in[i];
      } else if (t == -1) {
        infer = i;
        continue;
      } else {
        o[i] = (int) t;
      }
      known *= o[i];
    }
    if (infer >= 0) {
      o[infer] = known == 0 ? 0 : (int) (total / known);
    }
    return o;
  }

  /** Flatten at {@code axis} (≥ 1). */
  static int[] flatten(int axis, int[] in) {
    int a = axis < 0 ? axis + in.length : axis;
    int lead = 1;
    for (int i = 0; i < a; i++) {
      lead *= in[i];
    }
    return new int[] {lead, Buffers.size(in) / Math.max(1, lead)};
  }

  /** Squeeze {@code axes} (all size-1 dims after the batch when null). */
  static int[] squeeze(long[] axes, int[] in) {
    boolean[] drop = new boolean[in.length];
    if (axes == null) {
      for (int i = 1; i < in.length; i++) {
        drop[i] = in[i] == 1;
      }
    } else {
      for (long ax : axes) {
        drop[(int) (ax < 0 ? ax + in.length : ax)] = true;
      }
    }
    return Arrays.stream(range(in.length)).filter(i -> !drop[i]).map(i -> in[i]).toArray();
  }

  /** Unsqueeze: inserts size-1 dims at {@code axes} of the output. */
  static int[] unsqueeze(long[] axes, int[] in) {
    int r = in.length + axes.length;
    boolean[] ins = new boolean[r];
    for (long ax : axes) {
      ins[(int) (ax < 0 ? ax + r : ax)] = true;
    }
    int[] o = new int[r];
    for (int i = 0, j = 0; i < r; i++) {
      o[i] = ins[i] ? 1 : in[j++];
    }
    return o;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    Arrays.setAll(r, i -> i);
    return r;
  }
}

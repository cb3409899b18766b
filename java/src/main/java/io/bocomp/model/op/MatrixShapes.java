package io.bocomp.model.op;

import io.bocomp.model.Broadcast;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import java.util.Arrays;

/** Shape rules of Gemm and MatMul (used by {@link NnOps}). */
final class MatrixShapes {
  private MatrixShapes() {}

  static int[] gemm(Node node, int[] a, int[] b, int[] c) {
    boolean ta = node.intAttr("transA", 0) != 0;
    boolean tb = node.intAttr("transB", 0) != 0;
    int m = -1;
    int n = -1;
    int ka = -1;
    int kb = -1;
    if (a != null) {
      require2d(node, "A", a);
      m = ta ? a[1] : a[0];
      ka = ta ? a[0] : a[1];
    }
    if (b != null) {
      require2d(node, "B", b);
      kb = tb ? b[1] : b[0];
      n = tb ? b[0] : b[1];
    }
    if (ka >= 0 && kb >= 0 && ka != kb) {
      throw new ModelFormatException(node.label() + ": inner dimensions differ: A "
          + Arrays.toString(a) + (ta ? "^T" : "") + " times B " + Arrays.toString(b)
          + (tb ? "^T" : ""));
    }
    int[] out = {m, n};
    if (c != null) {
      Broadcast.checkUnidirectional(node, "C", c, out);
    }
    return out;
  }

  private static void require2d(Node node, String what, int[] s) {
    if (s.length != 2) {
      throw new ModelFormatException(node.label() + ": " + what + " must be 2-D, got "
          + Arrays.toString(s));
    }
  }

  /** numpy matmul: 1-D operands are promoted (and the added axis removed), batch dims broadcast. */
  static int[] matMul(Node node, int[] a, int[] b) {
    if (a == null || b == null) {
      return null;
    }
    if (a.length == 0 || b.length == 0) {
      throw new ModelFormatException(node.label() + ": MatMul operands must not be scalars");
    }
    int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
    int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
    int ka = a2[a2.length - 1];
    int kb = b2[b2.length - 2];
    if (ka >= 0 && kb >= 0 && ka != kb) {
      throw new ModelFormatException(node.label() + ": inner dimensions differ: "
          + Arrays.toString(a) + " times " + Arrays.toString(b));
    }
    int[] batch = Broadcast.shape(node, Arrays.copyOf(a2, a2.length - 2),
        Arrays.copyOf(b2, b2.length - 2));
    int[] out = Arrays.copyOf(batch, batch.length + 2);
    out[batch.length] = a2[a2.length - 2];
    out[batch.length + 1] = b2[b2.length - 1];
    if (a.length == 1 && b.length == 1) {
      return new int[0];
    }
    if (a.length == 1) {
      int[] r = new int[out.length - 1];
      System.arraycopy(out, 0, r, 0, out.length - 2);
      r[r.length - 1] = out[out.length - 1];
      return r;
    }
    if (b.length == 1) {
      return Arrays.copyOf(out, out.length - 1);
    }
    return out;
  }
}

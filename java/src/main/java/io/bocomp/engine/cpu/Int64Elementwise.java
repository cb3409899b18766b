package io.bocomp.engine.cpu;

import io.bocomp.model.Broadcast;
import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.op.CastTarget;

/**
 * Exact int64 evaluation of the element-wise ops that shape arithmetic uses, for constant folding
 * and plan-time values whose integers need not fit float32 (Slice's INT64_MAX end markers, large
 * products): arithmetic (Add, Sub, Mul, Div truncating, Mod), Min/Max, comparisons, And/Or/Xor,
 * Not, Neg, Abs, Sign, Where and Cast between integer and bool types, all with numpy
 * broadcasting. Not for hot paths: one index computation per element.
 */
final class Int64Elementwise {
  private Int64Elementwise() {}

  /** True if {@link #evaluate} handles this op when its data inputs are int64. */
  static boolean handles(Node node) {
    switch (node.opType()) {
      case "Add": case "Sub": case "Mul": case "Div": case "Mod": case "Min": case "Max":
      case "Equal": case "Greater": case "Less": case "GreaterOrEqual": case "LessOrEqual":
      case "And": case "Or": case "Xor": case "Not": case "Neg": case "Abs": case "Sign":
      case "Where":
        return true;
      case "Cast":
        return ElemType.isInteger(CastTarget.of(node));
      default:
        return false;
    }
  }

  /**
   * The op on int64 tensors (Where: int64 condition and branches), typed {@code outType}.
   *
   * @throws ModelFormatException naming the node for an integer division by zero
   */
  static Tensor evaluate(Node node, Tensor[] in, int outType) {
    String op = node.opType();
    if ((op.equals("Min") || op.equals("Max")) && in.length > 2) {
      // variadic: a left fold
      Tensor acc = evaluate(node, new Tensor[] {in[0], in[1]}, outType);
      for (int i = 2; i < in.length; i++) {
        acc = evaluate(node, new Tensor[] {acc, in[i]}, outType);
      }
      return acc;
    }
    int n = 0;
    for (Tensor t : in) {
      n += t == null ? 0 : 1;
    }
    if ((op.equals("Min") || op.equals("Max")) && in.length == 1) {
      return in[0].withElemType(outType);
    }
    int[] out = in[0].shape();
    for (int i = 1; i < in.length; i++) {
      if (in[i] != null) {
        out = Broadcast.shape(node, out, in[i].shape());
      }
    }
    int size = Tensor.checkedSize(out);
    long[][] v = new long[in.length][];
    int[][] pad = new int[in.length][];
    for (int i = 0; i < in.length; i++) {
      if (in[i] != null) {
        v[i] = in[i].toLongArray();
        pad[i] = pad(in[i].shape(), out.length);
      }
    }
    long[] r = new long[size];
    int[] idx = new int[out.length];
    for (int e = 0; e < size; e++) {
      int rem = e;
      for (int d = out.length - 1; d >= 0; d--) {
        idx[d] = rem % out[d];
        rem /= out[d];
      }
      long a = v[0][flat(idx, pad[0])];
      long b = n > 1 ? v[1][flat(idx, pad[1])] : 0;
      r[e] = apply(node, op, a, b, n > 2 ? v[2][flat(idx, pad[2])] : 0, outType);
    }
    return Tensor.ofLongs(out, r).withElemType(outType);
  }

  private static long apply(Node node, String op, long a, long b, long c, int outType) {
    switch (op) {
      case "Add": return a + b;
      case "Sub": return a - b;
      case "Mul": return a * b;
      case "Div":
        if (b == 0) {
          throw new ModelFormatException(node.label() + ": integer division by zero");
        }
        return a / b;
      case "Mod": {
        if (b == 0) {
          throw new ModelFormatException(node.label() + ": integer modulo by zero");
        }
        long m = a % b;
        // fmod=0 (the default): the result takes the divisor's sign, as Python's %
        return node.intAttr("fmod", 0) != 0 || m == 0 || (m < 0) == (b < 0) ? m : m + b;
      }
      case "Min": return Math.min(a, b);
      case "Max": return Math.max(a, b);
      case "Equal": return a == b ? 1 : 0;
      case "Greater": return a > b ? 1 : 0;
      case "Less": return a < b ? 1 : 0;
      case "GreaterOrEqual": return a >= b ? 1 : 0;
      case "LessOrEqual": return a <= b ? 1 : 0;
      case "And": return a != 0 && b != 0 ? 1 : 0;
      case "Or": return a != 0 || b != 0 ? 1 : 0;
      case "Xor": return (a != 0) != (b != 0) ? 1 : 0;
      case "Not": return a != 0 ? 0 : 1;
      case "Neg": return -a;
      case "Abs": return Math.abs(a);
      case "Sign": return Long.signum(a);
      case "Where": return a != 0 ? b : c;
      case "Cast": return wrap(a, outType);
      default: throw new IllegalArgumentException(op);
    }
  }

  /** An int64 value converted to a narrower integer or bool type, wrapping as C does. */
  static long wrap(long v, int type) {
    switch (type) {
      case ElemType.BOOL: return v != 0 ? 1 : 0;
      case ElemType.INT8: return (byte) v;
      case ElemType.UINT8: return v & 0xffL;
      case ElemType.INT16: return (short) v;
      case ElemType.UINT16: return v & 0xffffL;
      case ElemType.INT32: return (int) v;
      case ElemType.UINT32: return v & 0xffffffffL;
      default: return v;
    }
  }

  private static int[] pad(int[] s, int r) {
    int[] p = new int[r];
    java.util.Arrays.fill(p, 1);
    System.arraycopy(s, 0, p, r - s.length, s.length);
    return p;
  }

  private static int flat(int[] idx, int[] shape) {
    int f = 0;
    for (int d = 0; d < shape.length; d++) {
      f = f * shape[d] + (shape[d] == 1 ? 0 : idx[d]);
    }
    return f;
  }
}

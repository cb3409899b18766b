package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;

/**
 * The number of elements Range produces: {@code max(ceil((limit - start) / delta), 0)}, computed
 * as ONNX Runtime does ({@code limit - start} in the inputs' type, the quotient in double; exact
 * integer arithmetic for integer inputs). start, limit and delta are one-element tensors.
 */
public final class RangeLength {
  private RangeLength() {}

  /**
   * The length, or -1 when an operand is not known (null, or an int64 element not known
   * statically).
   *
   * @throws ModelFormatException naming the node for a non-scalar operand, a zero delta or a
   *     length beyond 2^31 - 1
   */
  public static int of(Node node, Tensor start, Tensor limit, Tensor delta) {
    if (start == null || limit == null || delta == null) {
      return -1;
    }
    Tensor[] ops = {start, limit, delta};
    String[] what = {"start", "limit", "delta"};
    boolean floating = false;
    for (int i = 0; i < 3; i++) {
      if (ops[i].size() != 1 || ops[i].rank() > 1) {
        throw new ModelFormatException(node.label() + ": Range's " + what[i] + " must be a"
            + " scalar, got shape " + java.util.Arrays.toString(ops[i].shape()));
      }
      if (!ops[i].isFloat() && ops[i].getLong(0) == ShapeInference.UNKNOWN_VALUE) {
        return -1;
      }
      floating |= ops[i].isFloat();
    }
    long n;
    if (floating) {
      float s = value(start);
      float l = value(limit);
      float d = value(delta);
      if (d == 0f) {
        throw new ModelFormatException(node.label() + ": Range's delta is 0");
      }
      double q = Math.ceil((double) (l - s) / d);
      if (Double.isNaN(q)) {
        throw new ModelFormatException(node.label() + ": Range of " + s + " to " + l + " by "
            + d + " has no length");
      }
      n = q >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) q;
    } else {
      long s = start.getLong(0);
      long l = limit.getLong(0);
      long d = delta.getLong(0);
      if (d == 0) {
        throw new ModelFormatException(node.label() + ": Range's delta is 0");
      }
      n = -Math.floorDiv(-(l - s), d);
    }
    n = Math.max(n, 0);
    if (n > Integer.MAX_VALUE) {
      throw new ModelFormatException(node.label() + ": Range has " + n + " elements");
    }
    return (int) n;
  }

  private static float value(Tensor t) {
    return t.isFloat() ? t.get(0) : (float) t.getLong(0);
  }
}

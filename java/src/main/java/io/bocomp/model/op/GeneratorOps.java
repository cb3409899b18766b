package io.bocomp.model.op;

import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import java.util.Arrays;

/**
 * Schemas of the ops that generate tensors: ConstantOfShape (a shape vector, given as a value
 * input, filled with {@link FillValue}), Range ({@link RangeLength} elements from start by delta;
 * its three scalars are value inputs because they decide the length) and EyeLike (ones on the
 * k-th diagonal of a matrix of the input's shape).
 */
final class GeneratorOps {
  private GeneratorOps() {}

  static void register(OpTable.Registry r) {
    r.add(OpSchema.builder("ConstantOfShape").valueInputs(0).shape(GeneratorOps::constantOfShape)
        .types((n, t, o) -> FillValue.of(n).elemType())
        .summary("a tensor of the given (int64) shape filled with 'value' (default float 0)")
        .build());
    r.add(OpSchema.builder("Range").inputs(3, 3).valueInputs(0, 1, 2)
        .shape((n, in) -> new int[] {RangeLength.of(n, in.constant(0), in.constant(1),
            in.constant(2))})
        .types((n, t, o) -> t.length > 0 && t[0] != 0 ? t[0] : ElemType.FLOAT)
        .summary("start, start + delta, ... up to limit (exclusive); scalar operands known when"
            + " the graph is planned").build());
    r.add(OpSchema.builder("EyeLike").shapeOnlyInputs(0).shape(GeneratorOps::eyeLike)
        .types((n, t, o) -> n.hasAttribute("dtype") ? CastTarget.check(n, n.intAttr("dtype", 1))
            : t.length > 0 && t[0] != 0 ? t[0] : ElemType.FLOAT)
        .summary("ones on diagonal k (default 0) of a matrix of the input's shape; dtype").build());
  }

  private static int[] constantOfShape(Node node, OpInputs in) {
    FillValue.of(node);
    Tensor s = in.constant(0);
    if (s == null) {
      int[] rank = in.shape(0);
      if (rank != null && rank.length == 1 && rank[0] >= 0) {
        int[] out = new int[rank[0]];
        Arrays.fill(out, -1);
        return out;
      }
      return null;
    }
    if (s.rank() != 1) {
      throw new ModelFormatException(node.label() + ": the shape input must be 1-D, got shape "
          + Arrays.toString(s.shape()));
    }
    long[] v = s.toLongArray();
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] == ShapeInference.UNKNOWN_VALUE) {
        out[i] = -1;
      } else if (v[i] < 0 || v[i] > Integer.MAX_VALUE) {
        throw new ModelFormatException(node.label() + ": invalid dimension " + v[i] + " in shape "
            + Arrays.toString(v));
      } else {
        out[i] = (int) v[i];
      }
    }
    return out;
  }

  private static int[] eyeLike(Node node, OpInputs in) {
    int[] x = in.shape(0);
    if (x != null && x.length != 2) {
      throw new ModelFormatException(node.label() + ": EyeLike's input must be 2-D, got shape "
          + Arrays.toString(x));
    }
    return x;
  }
}

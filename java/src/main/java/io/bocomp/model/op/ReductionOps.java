package io.bocomp.model.op;

import io.bocomp.model.Node;
import io.bocomp.model.ValueInfo;
import java.util.List;

/**
 * Schemas of the reductions ({@link ReduceAxes}): the ten Reduce* ops over a set of axes (axes as
 * optional input 1, keepdims, noop_with_empty_axes) and ArgMax/ArgMin over one axis (int64
 * indices; keepdims, select_last_index).
 */
final class ReductionOps {
  private ReductionOps() {}

  static void register(OpTable.Registry r) {
    reduce(r, "ReduceSum", 13, "sum");
    reduce(r, "ReduceMean", 18, "mean");
    reduce(r, "ReduceMax", 18, "maximum");
    reduce(r, "ReduceMin", 18, "minimum");
    reduce(r, "ReduceProd", 18, "product");
    reduce(r, "ReduceL1", 18, "sum of |x|");
    reduce(r, "ReduceL2", 18, "sqrt of the sum of x^2");
    reduce(r, "ReduceSumSquare", 18, "sum of x^2");
    reduce(r, "ReduceLogSum", 18, "log of the sum");
    reduce(r, "ReduceLogSumExp", 18, "log of the sum of exp(x) (max-shifted)");
    for (String op : new String[] {"ArgMax", "ArgMin"}) {
      r.add(OpSchema.builder(op).shape((n, in) -> ReduceAxes.argShape(n, in.shape(0)))
          .types(OpSchema.TypeRule.fixed(ValueInfo.ELEM_INT64))
          .summary("int64 index of the " + (op.equals("ArgMax") ? "largest" : "smallest")
              + " value along axis (keepdims; first or, with select_last_index, last of ties)")
          .build());
    }
  }

  /**
   * A Reduce* op: input 0's type; axes as input 1 since {@code axesInputSince}, an attribute
   * before (rewritten by {@link #axesAsInput}).
   */
  private static void reduce(OpTable.Registry r, String op, int axesInputSince, String what) {
    r.add(OpSchema.builder(op).inputs(1, 2).valueInputs(1).shape(ReduceAxes::reduceShape)
        .upgrade((n, c) -> axesAsInput(n, c, axesInputSince))
        .summary(what + " over the axes of input 1 (all when absent; keepdims,"
            + " noop_with_empty_axes); float, or int64 shape arithmetic").build());
  }

  /**
   * Before opset {@code since} (13 for ReduceSum, 18 for the others) a Reduce*'s axes were an
   * attribute; now they are input 1. An absent attribute means every axis, as an absent input
   * does (noop_with_empty_axes did not exist and defaults to 0).
   */
  private static List<Node> axesAsInput(Node node, OpsetForms.Context c, int since) {
    if (c.opset() >= since || !node.hasAttribute("axes")) {
      return List.of(node);
    }
    String axes = c.longs(node.name() + "_axes", node.intsAttr("axes", new long[0]));
    return List.of(node.toBuilder().removeAttr("axes").inputs(node.input(0), axes).build());
  }
}

package io.bocomp.model.op;

import io.bocomp.model.Node;
import java.util.List;

/**
 * Schemas of the normalizing ops: Softmax (and, with the same opset history, LogSoftmax and
 * Hardmax) over one axis ({@link SoftmaxAxis}).
 */
final class NormalizationOps {
  private NormalizationOps() {}

  static void register(OpTable.Registry r) {
    r.add(OpSchema.builder("Softmax").shape((n, in) -> in.shape(0))
        .upgrade(NormalizationOps::softmaxUpgrade)
        .summary("exp(x) / sum(exp(x)) over one axis (default -1)").build());
  }

  /**
   * Before opset 13 Softmax, LogSoftmax and Hardmax flattened the input to 2-D at {@code axis}
   * (default 1) and normalized each row; since 13 they normalize along one axis (default -1). The
   * two agree when the axis is the last one; otherwise the old form becomes Flatten, the op over
   * the last axis, and a Reshape back to the input's shape.
   */
  static List<Node> softmaxUpgrade(Node node, OpsetForms.Context c) {
    if (c.opset() >= 13) {
      return List.of(node);
    }
    long axis = node.intAttr("axis", 1);
    int rank = c.rank(node.input(0));
    if (rank >= 0 && (axis == rank - 1 || axis == -1)) {
      return List.of(node.toBuilder().attr("axis", -1L).build());
    }
    String x = node.input(0);
    String flat = c.fresh(node.output(0) + "_2d");
    String rows = c.fresh(node.output(0) + "_rows");
    String shape = c.fresh(node.output(0) + "_shape");
    Node flatten = Node.builder("Flatten").name(c.fresh(node.name() + "_flatten")).inputs(x)
        .outputs(flat).attr("axis", axis).build();
    Node op = node.toBuilder().inputs(flat).outputs(rows).attr("axis", -1L).build();
    Node shapeOf = Node.builder("Shape").name(c.fresh(node.name() + "_shape")).inputs(x)
        .outputs(shape).build();
    Node back = Node.builder("Reshape").name(c.fresh(node.name() + "_restore"))
        .inputs(rows, shape).outputs(node.output(0)).build();
    return List.of(flatten, op, shapeOf, back);
  }
}

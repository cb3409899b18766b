package io.bocomp.model.op;

import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Schemas of the data-layout ops (shape rules in {@link LayoutShapes}): views (Flatten, Reshape,
 * Squeeze, Unsqueeze, Identity, Dropout), data movers (Transpose, Concat, Gather) and the shape
 * arithmetic exporters emit (Shape, Constant).
 */
final class LayoutOps {
  private LayoutOps() {}

  static void register(OpTable.Registry r) {
    r.add(OpSchema.builder("Flatten").shape((n, in) -> LayoutShapes.flatten(n, in.shape(0)))
        .summary("2-D view: dimensions before and from axis").build());
    r.add(OpSchema.builder("Reshape").inputs(2, 2).valueInputs(1).shape(LayoutShapes::reshape)
        .summary("view with a new shape (0 copies, -1 infers; allowzero)").build());
    r.add(OpSchema.builder("Squeeze").inputs(1, 2).valueInputs(1).shape(LayoutShapes::squeeze)
        .upgrade(LayoutOps::axesAsInput).summary("drops size-1 axes").build());
    r.add(OpSchema.builder("Unsqueeze").inputs(2, 2).valueInputs(1)
        .shape(LayoutShapes::unsqueeze).upgrade(LayoutOps::axesAsInput)
        .summary("inserts size-1 axes").build());
    r.add(OpSchema.builder("Identity").shape((n, in) -> in.shape(0)).summary("x").build());
    r.add(OpSchema.builder("Dropout").inputs(1, 3).outputs(2)
        .shapes((n, in) -> n.outputs().size() > 1 ? new int[][] {in.shape(0), in.shape(0)}
            : new int[][] {in.shape(0)})
        .types((n, t, o) -> o == 0 ? OpSchema.TypeRule.SAME.outputType(n, t, 0)
            : ValueInfo.ELEM_BOOL)
        .upgrade(LayoutOps::dropoutUpgrade).summary("inference mode: x").build());
    r.add(OpSchema.builder("Transpose").shape((n, in) -> LayoutShapes.transpose(n, in.shape(0)))
        .summary("permutes axes (perm; default reversed)").build());
    r.add(OpSchema.builder("Concat").inputs(1, Integer.MAX_VALUE).shape(LayoutShapes::concat)
        .summary("joins tensors along axis").build());
    r.add(OpSchema.builder("Gather").inputs(2, 2)
        .shape((n, in) -> LayoutShapes.gather(n, in.shape(0), in.shape(1)))
        .summary("takes slices at constant indices along axis").build());
    r.add(OpSchema.builder("Shape").shapeOnlyInputs(0)
        .shape((n, in) -> LayoutShapes.shapeOf(n, in.shape(0)))
        .types(OpSchema.TypeRule.fixed(ValueInfo.ELEM_INT64))
        .summary("the input's shape (start, end), known when a graph is planned").build());
    r.add(OpSchema.builder("Constant").inputs(0, 0)
        .shape((n, in) -> ShapeInference.constantValue(n).shape())
        .types((n, t, o) -> ShapeInference.constantValue(n).elemType())
        .summary("a constant tensor").build());
  }

  /** Before opset 13 Squeeze's and Unsqueeze's axes were an attribute; now input 1. */
  private static List<Node> axesAsInput(Node node, OpsetForms.Context c) {
    if (!node.hasAttribute("axes")) {
      return List.of(node);
    }
    long[] axes = node.intsAttr("axes", null);
    String name = c.longs(node.name() + "_axes", axes);
    List<String> in = new ArrayList<>(List.of(node.input(0), name));
    return List.of(node.toBuilder().removeAttr("axes").inputs(in).build());
  }

  /** Before opset 12 Dropout had a ratio attribute (and is_test before 7); inference ignores both. */
  private static List<Node> dropoutUpgrade(Node node, OpsetForms.Context c) {
    if (!node.hasAttribute("ratio") && !node.hasAttribute("is_test")) {
      return List.of(node);
    }
    return List.of(node.toBuilder().removeAttr("ratio").removeAttr("is_test").build());
  }

}

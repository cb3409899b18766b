package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Schemas of the data-layout ops (shape rules in {@link LayoutShapes} and
 * {@link MovementShapes}; Slice, Pad and Split described by {@link SliceRanges},
 * {@link PadWidths} and {@link SplitSizes}): views (Flatten, Reshape, Squeeze, Unsqueeze,
 * Identity, Dropout), data movers (Transpose, Concat, Gather, GatherElements, Slice, Split, Pad,
 * Expand, Tile, DepthToSpace, SpaceToDepth) and the shape arithmetic exporters emit (Shape, Size,
 * Constant). Every parameter that decides an output shape (Slice's starts to steps, Pad's pads
 * and axes, Split's sizes, Expand's shape, Tile's repeats) is a value input: known when a graph is
 * planned for fixed input shapes.
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
        .summary("takes slices at integer indices (constant or run-time, negative from the end)"
            + " along axis").build());
    r.add(OpSchema.builder("GatherElements").inputs(2, 2)
        .shape((n, in) -> MovementShapes.gatherElements(n, in.shape(0), in.shape(1)))
        .summary("takes one element per index along axis (indices of the data's rank)").build());
    r.add(OpSchema.builder("Slice").inputs(3, 5).valueInputs(1, 2, 3, 4)
        .shape(SliceRanges::shape).upgrade(LayoutOps::sliceUpgrade)
        .summary("strided ranges (starts, ends, axes, steps as constant inputs; negative steps,"
            + " clamping and INT64 sentinels per ONNX)").build());
    r.add(OpSchema.builder("Split").inputs(1, 2).outputs(Integer.MAX_VALUE).valueInputs(1)
        .shapes(SplitSizes::shapes).upgrade(LayoutOps::splitUpgrade)
        .summary("cuts axis into parts (split sizes input, num_outputs, or equal parts)")
        .build());
    r.add(OpSchema.builder("Pad").inputs(2, 4).valueInputs(1, 3).shape(PadWidths::shape)
        .upgrade(LayoutOps::padUpgrade)
        .summary("pads or crops (negative pads) in mode constant, reflect, edge or wrap; pads"
            + " and axes constant inputs").build());
    r.add(OpSchema.builder("Expand").inputs(2, 2).valueInputs(1).shape(MovementShapes::expand)
        .summary("numpy-broadcasts x to a constant shape input").build());
    r.add(OpSchema.builder("Tile").inputs(2, 2).valueInputs(1).shape(MovementShapes::tile)
        .summary("repeats x along each axis (constant repeats input)").build());
    r.add(OpSchema.builder("DepthToSpace")
        .shape((n, in) -> MovementShapes.depthToSpace(n, in.shape(0)))
        .summary("moves channel blocks into b x b spatial blocks (modes DCR, CRD)").build());
    r.add(OpSchema.builder("SpaceToDepth")
        .shape((n, in) -> MovementShapes.spaceToDepth(n, in.shape(0)))
        .summary("moves b x b spatial blocks into channels").build());
    r.add(OpSchema.builder("Size").shapeOnlyInputs(0).shape((n, in) -> new int[0])
        .types(OpSchema.TypeRule.fixed(ValueInfo.ELEM_INT64))
        .summary("the input's element count (int64 scalar)").build());
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

  /** Before opset 10 Slice's starts, ends and axes were attributes; now inputs 1 to 3. */
  private static List<Node> sliceUpgrade(Node node, OpsetForms.Context c) {
    if (c.opset() >= 10) {
      return List.of(node);
    }
    if (!node.hasAttribute("starts") || !node.hasAttribute("ends")) {
      throw new ModelFormatException(node.label() + ": Slice (opset " + c.opset()
          + ") needs starts and ends attributes");
    }
    if (node.inputs().size() != 1) {
      throw new ModelFormatException(node.label() + ": Slice (opset " + c.opset()
          + ") takes one input, got " + node.inputs().size());
    }
    List<String> in = new ArrayList<>(List.of(node.input(0),
        c.longs(node.name() + "_starts", node.intsAttr("starts", null)),
        c.longs(node.name() + "_ends", node.intsAttr("ends", null))));
    if (node.hasAttribute("axes")) {
      in.add(c.longs(node.name() + "_axes", node.intsAttr("axes", null)));
    }
    return List.of(node.toBuilder().removeAttr("starts").removeAttr("ends").removeAttr("axes")
        .inputs(in).build());
  }

  /**
   * Before opset 13 Split's sizes were attribute split; now input 1. Before opset 18 a Split
   * without sizes cut equal parts; opset 18 needs sizes or num_outputs, so such a node gets
   * {@code num_outputs} = its output count (the same parts whenever the axis divides evenly; an
   * axis that does not, an error before opset 18, then gets a smaller last part).
   */
  private static List<Node> splitUpgrade(Node node, OpsetForms.Context c) {
    if (c.opset() >= 18) {
      return List.of(node);
    }
    boolean sizesInput = node.inputs().size() > 1 && !node.input(1).isEmpty();
    if (node.hasAttribute("split")) {
      if (sizesInput) {
        throw new ModelFormatException(node.label() + ": Split has both a split attribute and a"
            + " split input");
      }
      String sizes = c.longs(node.name() + "_split", node.intsAttr("split", null));
      return List.of(node.toBuilder().removeAttr("split").inputs(node.input(0), sizes).build());
    }
    if (sizesInput) {
      return List.of(node);
    }
    return List.of(node.toBuilder().inputs(node.input(0))
        .attr("num_outputs", (long) node.outputs().size()).build());
  }

  /**
   * Before opset 11 Pad's widths were attribute pads (paddings in opset 1) and its fill value
   * attribute value (default 0); now inputs 1 and 2.
   */
  private static List<Node> padUpgrade(Node node, OpsetForms.Context c) {
    if (c.opset() >= 11) {
      return List.of(node);
    }
    String key = node.hasAttribute("pads") ? "pads" : "paddings";
    if (!node.hasAttribute(key)) {
      throw new ModelFormatException(node.label() + ": Pad (opset " + c.opset()
          + ") has no pads attribute");
    }
    List<String> in = new ArrayList<>(List.of(node.input(0),
        c.longs(node.name() + "_pads", node.intsAttr(key, null))));
    if (node.hasAttribute("value")) {
      in.add(c.constant(node.name() + "_value", Tensor.scalar(node.floatAttr("value", 0f))));
    }
    return List.of(node.toBuilder().removeAttr(key).removeAttr("value").inputs(in).build());
  }

  /** Before opset 12 Dropout had a ratio attribute (and is_test before 7); inference ignores both. */
  private static List<Node> dropoutUpgrade(Node node, OpsetForms.Context c) {
    if (!node.hasAttribute("ratio") && !node.hasAttribute("is_test")) {
      return List.of(node);
    }
    return List.of(node.toBuilder().removeAttr("ratio").removeAttr("is_test").build());
  }

}

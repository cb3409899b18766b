package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.Executable;
import io.bocomp.engine.FeedException;
import io.bocomp.engine.Parity;
import io.bocomp.model.Graph;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.OrtReference;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The data-movement ops (Slice, Split, Pad, Expand, Tile, DepthToSpace, SpaceToDepth, Size, Gather,
 * GatherElements) against ONNX Runtime: one-node models with awkward parameters (clamping rules,
 * negative steps and axes, sentinels, every pad mode, uneven splits, older opsets' attribute
 * forms), int64 shape vectors evaluated at plan time, multi-node shape arithmetic, run-time
 * indices, and malformed nodes. Outputs must be within {@code 1e-4 * max|ORT output|} (they are
 * copies, so in fact exact); int64 outputs identical.
 */
class LayoutOpConformanceTest extends CpuConformance {
  private static final long MAX = Long.MAX_VALUE;
  private static final long MIN = Long.MIN_VALUE;

  @ParameterizedTest(name = "{0}")
  @MethodSource({"slices", "splits", "pads", "expands", "tiles", "blocks", "gathers", "integers"})
  void matchesOnnxRuntime(OpCase c) {
    assertMatchesOnnxRuntime(c);
  }

  static Stream<OpCase> slices() {
    return Stream.of(
        OpCase.of("slice end beyond the axis clamps to its length", 13, "Slice")
            .input("x", 5, 7).longs("s", 1).longs("e", 100).longs("a", 1),
        OpCase.of("slice negative starts and ends count from the end", 13, "Slice")
            .input("x", 6, 9).longs("s", -4).longs("e", -1).longs("a", -1),
        OpCase.of("slice start below -n clamps to 0", 13, "Slice").input("x", 4, 6)
            .longs("s", -100).longs("e", 3).longs("a", 1),
        OpCase.of("slice omitted axes and steps", 13, "Slice").input("x", 4, 5, 6)
            .longs("s", 1, 0).longs("e", 3, -1),
        OpCase.of("slice omitted steps with axes", 13, "Slice").input("x", 4, 5, 6)
            .longs("s", 2).longs("e", 5).longs("a", 2),
        OpCase.of("slice step 3 on odd sizes", 13, "Slice").input("x", 2, 7, 9)
            .longs("s", 0, 1).longs("e", 7, 9).longs("a", 1, 2).longs("st", 3, 3),
        OpCase.of("slice step 2 on a middle axis (block copies)", 13, "Slice")
            .input("x", 4, 7, 33).longs("s", 1).longs("e", MAX).longs("a", 1).longs("st", 2),
        OpCase.of("slice negative step 2", 13, "Slice").input("x", 3, 8).longs("s", 6)
            .longs("e", 1).longs("a", 1).longs("st", -2),
        OpCase.of("slice full reverse with INT64_MIN end", 13, "Slice").input("x", 7)
            .longs("s", -1).longs("e", MIN).longs("a", 0).longs("st", -1),
        OpCase.of("slice reverse last axis of a 3-D tensor (gather path)", 13, "Slice")
            .input("x", 3, 4, 33).longs("s", MAX).longs("e", MIN).longs("a", -1)
            .longs("st", -1),
        OpCase.of("slice negative step clamps start to n-1 and end to -1", 13, "Slice")
            .input("x", 2, 9).longs("s", 100).longs("e", -100).longs("a", 1).longs("st", -3),
        OpCase.of("slice negative step ending before a non-zero index", 13, "Slice")
            .input("x", 5, 6).longs("s", -2, 4).longs("e", 0, -7).longs("a", 1, 0)
            .longs("st", -1, -2),
        OpCase.of("slice INT64_MAX end, step larger than the axis", 13, "Slice")
            .input("x", 3, 7).longs("s", 2, 1).longs("e", MAX, MAX).skip().longs("st", 1, 10),
        OpCase.of("slice rank 4 with negative axes and mixed steps", 13, "Slice")
            .input("x", 2, 3, 5, 6).longs("s", 1, -5, 0).longs("e", 3, 4, MAX)
            .longs("a", 0, -1, 2).longs("st", 1, 2, 2),
        OpCase.of("slice rank 4 reversing two axes", 13, "Slice").input("x", 2, 3, 5, 6)
            .longs("s", -1, 4).longs("e", MIN, 0).longs("a", 1, 3).longs("st", -1, -2),
        OpCase.of("slice large reversed step -2 (parallel rows, gather path)", 13, "Slice")
            .input("x", 128, 64, 33).longs("s", -1).longs("e", MIN).longs("a", 2)
            .longs("st", -2),
        OpCase.of("slice rank 1", 13, "Slice").input("x", 11).longs("s", 3).longs("e", -2),
        OpCase.of("slice empty result", 13, "Slice").input("x", 3, 5).longs("s", 4)
            .longs("e", 2).longs("a", 1),
        OpCase.of("slice keeps size-1 axes", 13, "Slice").input("x", 1, 5, 1)
            .longs("s", 0, 1).longs("e", 1, 4).longs("a", 0, 1),
        OpCase.of("slice opset 10 inputs", 10, "Slice").input("x", 4, 6).longs("s", 1, 1)
            .longs("e", 4, 6).longs("a", 0, 1).longs("st", 2, 2),
        OpCase.of("slice opset 9 attributes", 9, "Slice").input("x", 4, 6, 5)
            .ints("starts", 1, -4).ints("ends", 3, 1000).ints("axes", 0, 2),
        OpCase.of("slice opset 9 attributes without axes", 9, "Slice").input("x", 4, 6)
            .ints("starts", -3, 0).ints("ends", MAX, 2));
  }

  static Stream<OpCase> splits() {
    return Stream.of(
        OpCase.of("split equal parts", 13, "Split").input("x", 2, 6, 5).integer("axis", 1)
            .outputs("y0", "y1", "y2"),
        OpCase.of("split uneven sizes input on the last axis", 13, "Split").input("x", 3, 8)
            .longs("split", 2, 5, 1).integer("axis", -1).outputs("y0", "y1", "y2"),
        OpCase.of("split sizes with an empty part", 13, "Split").input("x", 4, 3)
            .longs("split", 1, 0, 3).outputs("y0", "y1", "y2"),
        OpCase.of("split num_outputs 3 on 8 (uneven last chunk)", 18, "Split").input("x", 2, 8)
            .integer("axis", 1).integer("num_outputs", 3).outputs("y0", "y1", "y2"),
        OpCase.of("split num_outputs 4 on 7", 18, "Split").input("x", 7, 3)
            .integer("num_outputs", 4).outputs("y0", "y1", "y2", "y3"),
        OpCase.of("split opset 11 split attribute", 11, "Split").input("x", 5, 4)
            .ints("split", 1, 4).outputs("y0", "y1"),
        OpCase.of("split opset 11 equal parts, negative axis", 11, "Split").input("x", 2, 3, 6)
            .integer("axis", -1).outputs("y0", "y1", "y2"),
        OpCase.of("split opset 7 split attribute", 7, "Split").input("x", 2, 5)
            .integer("axis", 1).ints("split", 3, 2).outputs("y0", "y1"));
  }

  static Stream<OpCase> pads() {
    return Stream.of(
        OpCase.of("pad constant 4-D default value", 13, "Pad").input("x", 2, 3, 4, 5)
            .longs("p", 0, 1, 2, 0, 1, 0, 1, 3),
        OpCase.of("pad constant value input", 13, "Pad").input("x", 3, 4).longs("p", 1, 2, 2, 1)
            .scalar("v", 1.5f),
        OpCase.of("pad constant negative pads crop", 13, "Pad").input("x", 3, 7)
            .longs("p", -1, 2, 1, -3).scalar("v", -2f),
        OpCase.of("pad constant axes input", 18, "Pad").input("x", 2, 3, 5)
            .longs("p", 2, -1, 1, 3).scalar("v", 0.5f).longs("axes", -1, 0),
        OpCase.of("pad constant axes input without value", 18, "Pad").input("x", 2, 3, 5)
            .longs("p", 1, 2).skip().longs("axes", 1),
        OpCase.of("pad reflect", 13, "Pad").input("x", 2, 3, 5, 6).longs("p", 0, 0, 2, 3, 0, 0, 4, 5)
            .string("mode", "reflect"),
        OpCase.of("pad reflect negative pads", 13, "Pad").input("x", 3, 9)
            .longs("p", 1, -2, -1, 3).string("mode", "reflect"),
        OpCase.of("pad reflect axes input", 18, "Pad").input("x", 2, 4, 5)
            .longs("p", 3, 1, 2, 4).skip().longs("axes", 1, -1).string("mode", "reflect"),
        OpCase.of("pad edge", 13, "Pad").input("x", 2, 3, 4, 5).longs("p", 0, 1, 3, 2, 0, 2, 1, 4)
            .string("mode", "edge"),
        OpCase.of("pad edge negative pads", 13, "Pad").input("x", 4, 6)
            .longs("p", -1, 3, 2, -4).string("mode", "edge"),
        OpCase.of("pad edge axes input", 18, "Pad").input("x", 3, 1, 4)
            .longs("p", 2, 2, 3, 1).skip().longs("axes", 1, 2).string("mode", "edge"),
        OpCase.of("pad wrap", 19, "Pad").input("x", 2, 3, 4).longs("p", 0, 2, 3, 0, 1, 2)
            .string("mode", "wrap"),
        OpCase.of("pad wrap as wide as the axis", 19, "Pad").input("x", 2, 3)
            .longs("p", 0, 3, 0, 3).string("mode", "wrap"),
        OpCase.of("pad wrap negative pads", 19, "Pad").input("x", 5, 6)
            .longs("p", -1, 2, 3, -2).string("mode", "wrap"),
        OpCase.of("pad wrap axes input", 19, "Pad").input("x", 2, 3, 4)
            .longs("p", 1, 3, 2, 2).skip().longs("axes", 0, 2).string("mode", "wrap"),
        OpCase.of("pad constant long rows", 13, "Pad").input("x", 3, 5000)
            .longs("p", 0, 7, 0, 9).scalar("v", 3f),
        OpCase.of("pad large edge (parallel rows)", 13, "Pad").input("x", 64, 64, 40)
            .longs("p", 0, 1, 2, 0, 1, 3).string("mode", "edge"),
        OpCase.of("pad opset 10 attributes with value", 10, "Pad").input("x", 2, 3, 4)
            .ints("pads", 0, 1, 2, 1, 0, 1).real("value", 2.5f),
        OpCase.of("pad opset 10 attributes reflect", 10, "Pad").input("x", 1, 2, 4, 5)
            .ints("pads", 0, 0, 1, 2, 0, 0, 3, 2).string("mode", "reflect"),
        OpCase.of("pad opset 7 attributes edge negative", 7, "Pad").input("x", 4, 5)
            .ints("pads", 2, -1, -1, 2).string("mode", "edge"));
  }

  static Stream<OpCase> expands() {
    return Stream.of(
        OpCase.of("expand a column", 13, "Expand").input("x", 3, 1).longs("s", 3, 4),
        OpCase.of("expand with rank increase", 13, "Expand").input("x", 4).longs("s", 2, 3, 4),
        OpCase.of("expand to a smaller shape of ones", 13, "Expand").input("x", 2, 3, 4)
            .longs("s", 3, 1),
        OpCase.of("expand both ways and rank increase", 8, "Expand").input("x", 1, 5, 1)
            .longs("s", 2, 1, 1, 3),
        OpCase.of("expand a scalar", 13, "Expand").input("x", Tensor.scalar(0.75f))
            .longs("s", 2, 3),
        OpCase.of("expand middle axis (block repeat)", 13, "Expand").input("x", 2, 1, 33)
            .longs("s", 2, 7, 33));
  }

  static Stream<OpCase> tiles() {
    return Stream.of(
        OpCase.of("tile 2-D", 13, "Tile").input("x", 2, 3).longs("r", 2, 3),
        OpCase.of("tile middle axis", 13, "Tile").input("x", 2, 3, 4).longs("r", 1, 2, 1),
        OpCase.of("tile 1-D odd", 6, "Tile").input("x", 5).longs("r", 3),
        OpCase.of("tile ones copies", 13, "Tile").input("x", 3, 4).longs("r", 1, 1),
        OpCase.of("tile rank 4", 13, "Tile").input("x", 2, 1, 3, 2).longs("r", 2, 3, 1, 2));
  }

  static Stream<OpCase> blocks() {
    return Stream.of(
        OpCase.of("depth to space DCR", 13, "DepthToSpace").input("x", 1, 8, 2, 3)
            .integer("blocksize", 2),
        OpCase.of("depth to space CRD blocksize 3", 13, "DepthToSpace").input("x", 2, 18, 3, 2)
            .integer("blocksize", 3).string("mode", "CRD"),
        OpCase.of("depth to space explicit DCR blocksize 3", 13, "DepthToSpace")
            .input("x", 2, 18, 2, 3).integer("blocksize", 3).string("mode", "DCR"),
        OpCase.of("depth to space opset 9 (DCR only)", 9, "DepthToSpace").input("x", 2, 12, 3, 3)
            .integer("blocksize", 2),
        OpCase.of("depth to space CRD large (parallel rows)", 13, "DepthToSpace")
            .input("x", 2, 32, 33, 40).integer("blocksize", 2).string("mode", "CRD"),
        OpCase.of("depth to space DCR large (parallel rows)", 13, "DepthToSpace")
            .input("x", 2, 32, 33, 40).integer("blocksize", 2),
        OpCase.of("space to depth large (parallel rows)", 13, "SpaceToDepth")
            .input("x", 2, 8, 66, 80).integer("blocksize", 2),
        OpCase.of("space to depth", 13, "SpaceToDepth").input("x", 2, 3, 4, 6)
            .integer("blocksize", 2),
        OpCase.of("space to depth blocksize 3", 13, "SpaceToDepth").input("x", 1, 2, 9, 3)
            .integer("blocksize", 3));
  }

  static Stream<OpCase> gathers() {
    Tensor idx2d = Tensor.ofLongs(new int[] {3, 2}, new long[] {0, -1, -5, 2, 4, -3});
    return Stream.of(
        OpCase.of("gather 2-D negative indices axis 1", 13, "Gather").input("x", 3, 5, 4)
            .weight("i", idx2d).integer("axis", 1),
        OpCase.of("gather large (parallel blocks)", 13, "Gather").input("x", 300, 50, 40)
            .weight("i", idx2d).integer("axis", 1),
        OpCase.of("gather 2-D indices last axis", 13, "Gather").input("x", 2, 3, 5)
            .weight("i", idx2d).integer("axis", -1),
        OpCase.of("gather elements axis 0", 13, "GatherElements").input("x", 3, 4)
            .weight("i", Tensor.ofLongs(new int[] {2, 4}, new long[] {0, 2, 1, -1, 2, -3, 0, 1})),
        OpCase.of("gather elements axis 1 smaller indices", 13, "GatherElements")
            .input("x", 3, 5, 2).weight("i", Tensor.ofLongs(new int[] {2, 3, 2},
                new long[] {4, 0, -1, 2, 3, 3, 1, -5, 0, 0, 2, 4})).integer("axis", 1),
        OpCase.of("gather elements last axis", 11, "GatherElements").input("x", 2, 3, 4)
            .weight("i", Tensor.ofLongs(new int[] {2, 3, 2},
                new long[] {3, 0, 1, -1, 2, 2, 0, 0, -4, 3, 1, 2})).integer("axis", -1));
  }

  /** The same ops on int64 shape vectors: evaluated at plan time, int64 outputs. */
  static Stream<OpCase> integers() {
    Tensor shape = Tensor.ofLongs(new int[] {4}, new long[] {2, 3, 4, 5});
    return Stream.of(
        OpCase.of("int64 slice of a shape vector", 13, "Slice").weight("v", shape).longs("s", 1)
            .longs("e", 3).int64Output(),
        OpCase.of("int64 reversed shape vector", 13, "Slice").weight("v", shape)
            .longs("s", -1).longs("e", MIN).longs("a", 0).longs("st", -1).int64Output(),
        OpCase.of("int64 split of a shape vector", 13, "Split").weight("v", shape)
            .longs("split", 1, 3).outputs("y0", "y1").int64Output(),
        OpCase.of("int64 pad of a shape vector", 13, "Pad").weight("v", shape).longs("p", 1, 2)
            .weight("c", Tensor.ofLongs(new int[0], new long[] {-1})).int64Output(),
        OpCase.of("int64 expand", 13, "Expand").weight("v", shape).longs("s", 2, 1)
            .int64Output(),
        OpCase.of("int64 tile", 13, "Tile").weight("v", shape).longs("r", 2).int64Output(),
        OpCase.of("size", 13, "Size").input("x", 2, 3, 4).int64Output(),
        OpCase.of("size of a scalar", 13, "Size").input("x", Tensor.scalar(1f)).int64Output());
  }

  /**
   * The canonical form of an older opset's node is a valid node at the canonical opset: ONNX
   * Runtime running the upgraded graph at opset 18 agrees with it running the original.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("olderForms")
  void upgradedFormsRunInOnnxRuntimeAtTheCanonicalOpset(OpCase c) {
    Graph g = c.graph();
    Graph canonical = io.bocomp.model.op.OpsetForms.canonical(g, c.opset);
    assertThat(canonical).as("rewritten").isNotSameAs(g);
    long opset = io.bocomp.model.op.OpsetForms.canonicalOpset(c.opset);
    Map<String, Tensor> before = OrtReference.run(g, c.opset, c.feeds, c.outputNames());
    Map<String, Tensor> after = OrtReference.run(canonical, opset, c.feeds, c.outputNames());
    for (String o : c.outputNames()) {
      Parity.assertClose(c + " " + o, before.get(o), after.get(o));
    }
  }

  static Stream<OpCase> olderForms() {
    return Stream.of(slices(), splits(), pads()).flatMap(s -> s).filter(c -> c.opset < 13
        && !c.label.contains("opset 10 inputs"));
  }

  /**
   * Wrap padding wider than the axis cycles as numpy.pad does (the ONNX reference); ONNX Runtime
   * 1.29 reads outside its input there, so the expectation is written out.
   */
  @Test
  void wrapPaddingWiderThanTheAxisCycles() {
    OpCase c = OpCase.of("pad wrap wider", 19, "Pad")
        .input("x", Tensor.of(new int[] {2, 3}, new float[] {0, 1, 2, 10, 11, 12}))
        .longs("p", 0, 5, 0, 4).string("mode", "wrap");
    try (Executable e = cpu.get().compile(c.graph(), 19)) {
      assertThat(e.run(c.feeds, List.of("y")).get("y").toFloatArray()).containsExactly(
          1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0,
          11, 12, 10, 11, 12, 10, 11, 12, 10, 11, 12, 10);
    }
  }

  @Test
  void splitWritesOnlyTheOutputsThatAreRead() {
    OpCase c = OpCase.of("split read one", 13, "Split").input("x", 4, 6).integer("axis", 1)
        .longs("split", 1, 2, 3).outputs("y0", "y1", "y2");
    Graph g = c.graph();
    Tensor expected = OrtReference.run(g, 13, c.feeds, List.of("y1")).get("y1");
    try (Executable e = cpu.get().compile(g, 13)) {
      Parity.assertClose("y1 alone", expected, e.run(c.feeds, List.of("y1")).get("y1"));
    }
  }

  /** {@code Reshape(u, Slice(Shape(x), [2], [4]))}: the target is computed once, at plan time. */
  @Test
  void sliceOfAShapeFeedsAReshapeTarget() {
    Graph g = Graph.builder().name("slice_shape_reshape")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, new int[] {2, 3, 4, 5}, null))
        .input(new ValueInfo("u", ValueInfo.ELEM_FLOAT, new int[] {20}, null))
        .initializer("s", longs(2)).initializer("e", longs(4))
        .addNode(node("Shape", "shape", "x").outputs("sx").build())
        .addNode(node("Slice", "slice", "sx", "s", "e").outputs("t").build())
        .addNode(node("Reshape", "reshape", "u", "t").outputs("y").build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
    Map<String, Tensor> feeds = Map.of("x", Parity.random(1, 2, 3, 4, 5),
        "u", Parity.random(2, 20));
    Tensor expected = OrtReference.run(g, 13, feeds, List.of("y")).get("y");
    try (Executable e = cpu.get().compile(g, 13)) {
      Tensor y = e.run(feeds, List.of("y")).get("y");
      assertThat(y.shape()).containsExactly(4, 5);
      Parity.assertClose("reshape by a sliced shape", expected, y);
      assertThat(((CpuExecutable) e).stepCount(feeds, List.of("y"))).as("only the view runs")
          .isEqualTo(1);
    }
  }

  /** {@code Reshape(x, Concat(Slice(Shape(x), [0], [2]), Slice(Shape(x), [-1], [-3], [-1])))}. */
  @Test
  void concatenatedSlicesOfAShapeFormAReshapeTarget() {
    Graph g = Graph.builder().name("slices_concat_reshape")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, new int[] {2, 3, 4, 5}, null))
        .initializer("s0", longs(0)).initializer("e0", longs(2))
        .initializer("s1", longs(-1)).initializer("e1", longs(-3)).initializer("a1", longs(0))
        .initializer("st1", longs(-1))
        .addNode(node("Shape", "shape", "x").outputs("sx").build())
        .addNode(node("Slice", "head", "sx", "s0", "e0").outputs("h").build())
        .addNode(node("Slice", "tail", "sx", "s1", "e1", "a1", "st1").outputs("t").build())
        .addNode(node("Concat", "cat", "h", "t").attr("axis", 0L).outputs("target").build())
        .addNode(node("Reshape", "reshape", "x", "target").outputs("y").build())
        .addNode(node("Relu", "relu", "y").outputs("z").build())
        .output(new ValueInfo("z", ValueInfo.ELEM_FLOAT, null, null))
        .output(new ValueInfo("target", ValueInfo.ELEM_INT64, null, null)).build();
    Map<String, Tensor> feeds = Map.of("x", Parity.random(3, 2, 3, 4, 5));
    Map<String, Tensor> expected = OrtReference.run(g, 13, feeds, List.of("z", "target"));
    try (Executable e = cpu.get().compile(g, 13)) {
      Map<String, Tensor> got = e.run(feeds, List.of("z", "target"));
      assertThat(got.get("target").toLongArray()).containsExactly(2, 3, 5, 4);
      Parity.assertClose("target", expected.get("target"), got.get("target"));
      Parity.assertClose("z", expected.get("z"), got.get("z"));
    }
  }

  /**
   * Gather with indices computed at run time: {@code Size(x) + offsets} (Size of a fed tensor runs
   * as a kernel, so the indices arrive float-coded in a buffer), negative ones included.
   */
  @Test
  void gatherTakesRunTimeIndices() {
    Graph g = runtimeGather(new int[] {2, 3}, new long[] {-4, -5, -9, -1, -8, -6});
    Map<String, Tensor> feeds = Map.of("x", Tensor.scalar(4f), "d", Parity.random(5, 2, 5, 3));
    Tensor expected = OrtReference.run(g, 13, feeds, List.of("y")).get("y");
    try (Executable e = cpu.get().compile(g, 13)) {
      Tensor y = e.run(feeds, List.of("y")).get("y");
      assertThat(y.shape()).containsExactly(2, 2, 3, 3);
      Parity.assertClose("run-time indices", expected, y);
      assertThat(((CpuExecutable) e).stepCount(feeds, List.of("y"))).as("Cast, Add, Gather")
          .isEqualTo(3);
      Map<String, Tensor> other = Map.of("x", Tensor.scalar(5f), "d", feeds.get("d"));
      Tensor expected2 = OrtReference.run(g, 13, other, List.of("y")).get("y");
      Parity.assertClose("run-time indices, x of 5", expected2, e.run(other, List.of("y")).get("y"));
    }
  }

  @Test
  void aRunTimeIndexOutOfRangeFailsNamingTheNode() {
    Graph g = runtimeGather(new int[] {1}, new long[] {0});
    try (Executable e = cpu.get().compile(g, 13)) {
      Map<String, Tensor> feeds = Map.of("x", Tensor.scalar(9f), "d", Parity.random(5, 2, 5, 3));
      assertThatThrownBy(() -> e.run(feeds, List.of("y"))).isInstanceOf(FeedException.class)
          .hasMessageContaining("Gather node 'gather'").hasMessageContaining("index 9");
    }
  }

  private static Graph runtimeGather(int[] offShape, long[] offsets) {
    return Graph.builder().name("runtime_gather")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, null, null))
        .input(new ValueInfo("d", ValueInfo.ELEM_FLOAT, new int[] {2, 5, 3}, null))
        .initializer("off", Tensor.ofLongs(offShape, offsets))
        .addNode(node("Cast", "count", "x").attr("to", 7L).outputs("n").build())
        .addNode(node("Add", "add", "n", "off").outputs("i").build())
        .addNode(node("Gather", "gather", "d", "i").attr("axis", 1L).outputs("y").build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedNodeFailsNamingIt(OpCase c, String message) {
    Graph g = c.graph();
    assertThatThrownBy(() -> {
      try (Executable e = cpu.get().compile(g, c.opset)) {
        e.run(c.feeds, c.outputNames());
      }
    }).isInstanceOf(ModelFormatException.class).hasMessageContaining("node 'node'")
        .hasMessageContaining(message);
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> malformed() {
    return Stream.of(
        args(OpCase.of("slice step 0", 13, "Slice").input("x", 3, 4).longs("s", 0).longs("e", 2)
            .longs("a", 1).longs("st", 0), "step 0"),
        args(OpCase.of("slice lengths differ", 13, "Slice").input("x", 3, 4).longs("s", 0, 1)
            .longs("e", 2), "differ in length"),
        args(OpCase.of("slice repeated axis", 13, "Slice").input("x", 3, 4).longs("s", 0, 1)
            .longs("e", 2, 3).longs("a", 1, -1), "repeated"),
        args(OpCase.of("slice bad axis", 13, "Slice").input("x", 3, 4).longs("s", 0)
            .longs("e", 2).longs("a", 2), "out of range"),
        args(OpCase.of("slice without ends", 13, "Slice").input("x", 3, 4).longs("s", 0),
            "needs 3 inputs"),
        args(OpCase.of("split sizes do not sum", 13, "Split").input("x", 5).longs("split", 2, 2)
            .outputs("a", "b"), "do not sum"),
        args(OpCase.of("split unequal (opset 18 without sizes)", 18, "Split").input("x", 5)
            .outputs("a", "b"), "equally"),
        args(OpCase.of("split num_outputs mismatch", 18, "Split").input("x", 6)
            .integer("num_outputs", 3).outputs("a", "b"), "num_outputs 3"),
        args(OpCase.of("pad wrong pads length", 13, "Pad").input("x", 3, 4).longs("p", 1, 1),
            "needs 4"),
        args(OpCase.of("pad unknown mode", 13, "Pad").input("x", 3, 4).longs("p", 1, 1, 1, 1)
            .string("mode", "mirror"), "unknown Pad mode"),
        args(OpCase.of("pad crops too much", 13, "Pad").input("x", 3, 4)
            .longs("p", 0, -3, 0, -2), "remove more"),
        args(OpCase.of("tile repeats length", 13, "Tile").input("x", 3, 4).longs("r", 2),
            "repeats has 1"),
        args(OpCase.of("expand incompatible", 13, "Expand").input("x", 3, 4).longs("s", 2, 4),
            "cannot be broadcast"),
        args(OpCase.of("depth to space channels", 13, "DepthToSpace").input("x", 1, 6, 2, 2)
            .integer("blocksize", 2), "multiple of blocksize"),
        args(OpCase.of("space to depth size", 13, "SpaceToDepth").input("x", 1, 2, 5, 4)
            .integer("blocksize", 2), "multiple of blocksize"),
        args(OpCase.of("gather elements rank", 13, "GatherElements").input("x", 3, 4)
            .weight("i", Tensor.ofLongs(new int[] {2}, new long[] {0, 1})), "rank"));
  }

  /** Static shape inference with parameters that are not known: unknown dimensions, known rank. */
  @Test
  void shapeInferenceKeepsWhatIsKnown() {
    Node slice = node("Slice", "s", "x", "st", "en", "ax").outputs("y").build();
    Tensor axes = longs(1);
    assertThat(ShapeInference.outputShapes(slice, new int[][] {{-1, 8, 3}, {1}, {1}, {1}},
        new Tensor[] {null, null, null, axes})[0]).containsExactly(-1, -1, 3);
    assertThat(ShapeInference.outputShapes(slice, new int[][] {{-1, 8, 3}, {1}, {1}, {1}},
        new Tensor[] {null, longs(-3), longs(MAX), axes})[0]).containsExactly(-1, 3, 3);
    assertThat(ShapeInference.outputShapes(slice, new int[][] {{-1, 8, 3}, {1}, {1}, {1}},
        new Tensor[] {null, longs(0), longs(MIN), axes})[0])
        .as("INT64_MIN end with a positive step reads as not known").containsExactly(-1, -1, 3);
    Node rev = node("Slice", "s", "x", "st", "en", "ax", "sp").outputs("y").build();
    assertThat(ShapeInference.outputShapes(rev, new int[][] {{-1, 8}, {1}, {1}, {1}, {1}},
        new Tensor[] {null, longs(-1), longs(MIN), axes, longs(-1)})[0])
        .as("INT64_MIN end with a negative step is the sentinel").containsExactly(-1, 8);
    Node split = node("Split", "p", "x", "sizes").outputs("a", "b").build();
    int[][] parts = ShapeInference.outputShapes(split, new int[][] {{-1, 6}, {2}},
        new Tensor[] {null, longs(2, 4)});
    assertThat(parts[0]).as("known sizes fix an unknown split axis").containsExactly(2, 6);
    assertThat(parts[1]).containsExactly(4, 6);
    Node splitAxis1 = node("Split", "p", "x", "sizes").attr("axis", 1L).outputs("a", "b").build();
    parts = ShapeInference.outputShapes(splitAxis1, new int[][] {{-1, 6}, {2}},
        new Tensor[] {null, longs(2, 4)});
    assertThat(parts[0]).containsExactly(-1, 2);
    assertThat(parts[1]).containsExactly(-1, 4);
    Node pad = node("Pad", "q", "x", "pads").outputs("y").build();
    assertThat(ShapeInference.outputShapes(pad, new int[][] {{-1, 5}, {4}},
        new Tensor[] {null, longs(0, 1, 0, 2)})[0]).containsExactly(-1, 8);
    Node expand = node("Expand", "e", "x", "shape").outputs("y").build();
    assertThat(ShapeInference.outputShapes(expand, new int[][] {{3, 1}, {3}},
        new Tensor[] {null, null})[0]).containsExactly(-1, 3, -1);
    Node size = node("Size", "n", "x").outputs("y").build();
    assertThat(ShapeInference.outputShapes(size, new int[][] {{-1, 5}}, new Tensor[1])[0])
        .isEmpty();
  }

  private static org.junit.jupiter.params.provider.Arguments args(OpCase c, String message) {
    return org.junit.jupiter.params.provider.Arguments.of(c, message);
  }

  private static Node.Builder node(String op, String name, String... inputs) {
    return Node.builder(op).name(name).inputs(inputs);
  }

  private static Tensor longs(long... v) {
    return Tensor.ofLongs(new int[] {v.length}, v);
  }
}

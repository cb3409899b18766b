package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.model.Attribute;
import io.bocomp.model.Graph;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.op.OpsetForms;
import io.bocomp.testing.OrtReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reductions (Reduce*, ArgMax, ArgMin) and normalizations (LayerNormalization,
 * InstanceNormalization, GroupNormalization, LogSoftmax, Hardmax) against ONNX Runtime on one-node
 * models: float outputs within {@code 1e-4 * max|ORT output|}, int64 outputs identical. Each
 * Reduce* op runs over the last, a middle, several non-adjacent, negative and all axes, with
 * keepdims 0 and 1 and noop_with_empty_axes, in the canonical form (axes input, opset 18) and the
 * older attribute form ReduceSum before 13, the others before 18, which the CPU backend rewrites.
 */
class ReduceNormOpConformanceTest extends CpuConformance {
  private static final String[] REDUCE_OPS = {"ReduceSum", "ReduceMean", "ReduceMax",
      "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum",
      "ReduceLogSumExp"};

  @ParameterizedTest(name = "{0}")
  @MethodSource({"reductions", "reductionLayouts", "integerReductions", "argReductions",
      "normalizations", "softmaxFamily"})
  void matchesOnnxRuntime(OpCase c) {
    assertMatchesOnnxRuntime(c);
  }

  /** Values a reduction is well defined on: positive for the logs, near 1 for products. */
  private static Tensor data(String op, long seed, int... shape) {
    switch (op) {
      case "ReduceLogSum":
        return Parity.random(seed, 0.05f, 1f, shape);
      case "ReduceProd":
        return Parity.random(seed, 0.6f, 1.5f, shape);
      default:
        return Parity.random(seed, shape);
    }
  }

  /** One axes configuration: label, axes (null: no axes input), keepdims, noop_with_empty_axes. */
  private record Axes(String label, long[] axes, int keepdims, int noop) {}

  private static List<Axes> rank4Axes() {
    List<Axes> a = new ArrayList<>();
    for (int keep = 0; keep <= 1; keep++) {
      a.add(new Axes("last axis", new long[] {3}, keep, 0));
      a.add(new Axes("middle axis", new long[] {1}, keep, 0));
      a.add(new Axes("axes 0 and 2", new long[] {0, 2}, keep, 0));
      a.add(new Axes("negative axes -1 -3", new long[] {-1, -3}, keep, 0));
      a.add(new Axes("all axes (no axes)", null, keep, 0));
    }
    a.add(new Axes("noop_with_empty_axes, no axes", null, 1, 1));
    return a;
  }

  private static List<Axes> rank1Axes() {
    return List.of(new Axes("rank 1 axis 0", new long[] {0}, 1, 0),
        new Axes("rank 1 axis -1", new long[] {-1}, 0, 0),
        new Axes("rank 1 no axes", null, 0, 0),
        new Axes("rank 1 noop", null, 0, 1));
  }

  /** The opset of each op's attribute form, and the first opset of its input form. */
  private static long[] attributeOpsets(String op) {
    return op.equals("ReduceSum") ? new long[] {11, 12} : new long[] {13, 17};
  }

  private static long inputOpset(String op) {
    return op.equals("ReduceSum") ? 13 : 18;
  }

  static Stream<OpCase> reductions() {
    List<OpCase> cases = new ArrayList<>();
    for (String op : REDUCE_OPS) {
      List<Axes> configs = new ArrayList<>(rank4Axes());
      configs.addAll(rank1Axes());
      for (Axes ax : configs) {
        boolean rank1 = ax.label().startsWith("rank 1");
        int[] shape = rank1 ? new int[] {33} : new int[] {3, 5, 4, 7};
        // the canonical form, at opset 18
        cases.add(inputForm(op, 18, ax, shape));
        // the attribute form (no noop_with_empty_axes there)
        if (ax.noop() == 0) {
          long[] old = attributeOpsets(op);
          cases.add(attributeForm(op, old[0], ax, shape));
          if (!rank1 && (ax.label().equals("middle axis") || ax.axes() == null)) {
            cases.add(attributeForm(op, old[1], ax, shape));
          }
        }
      }
      // the first opset of the input form, and noop with axes given (it reduces them)
      cases.add(inputForm(op, inputOpset(op), new Axes("axes 1 and 3", new long[] {1, 3}, 1, 0),
          new int[] {3, 5, 4, 7}));
      cases.add(inputForm(op, 18, new Axes("noop with axes given", new long[] {2}, 0, 1),
          new int[] {3, 5, 4, 7}));
      // an empty axes input: all axes, or none with noop
      cases.add(inputForm(op, 18, new Axes("empty axes input", new long[0], 1, 0),
          new int[] {3, 5, 4, 7}));
      cases.add(inputForm(op, 18, new Axes("empty axes input noop", new long[0], 1, 1),
          new int[] {3, 5, 4, 7}));
    }
    return cases.stream();
  }

  private static OpCase inputForm(String op, long opset, Axes ax, int[] shape) {
    String label = op + " " + ax.label() + " keepdims " + ax.keepdims() + " input form";
    OpCase c = OpCase.of(label, opset, op).input("x", data(op, label.hashCode(), shape));
    if (ax.axes() != null) {
      c.longs("axes", ax.axes());
    }
    c.integer("keepdims", ax.keepdims());
    if (ax.noop() != 0) {
      c.integer("noop_with_empty_axes", 1);
    }
    return c;
  }

  private static OpCase attributeForm(String op, long opset, Axes ax, int[] shape) {
    String label = op + " " + ax.label() + " keepdims " + ax.keepdims() + " attribute form "
        + opset;
    OpCase c = OpCase.of(label, opset, op).input("x", data(op, label.hashCode(), shape));
    if (ax.axes() != null) {
      c.ints("axes", ax.axes());
    }
    return c.integer("keepdims", ax.keepdims());
  }

  /** Layouts that take the kernel's other paths: long rows, wide column chunks, size-1 axes. */
  static Stream<OpCase> reductionLayouts() {
    List<OpCase> cases = new ArrayList<>();
    for (String op : new String[] {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceL2",
        "ReduceLogSumExp", "ReduceMin"}) {
      cases.add(OpCase.of(op + " long rows (> one strip)", 18, op)
          .input("x", data(op, 1, 3, 9001)).longs("axes", -1));
      cases.add(OpCase.of(op + " wide kept columns (> one chunk)", 18, op)
          .input("x", data(op, 2, 3, 5, 1500)).longs("axes", 1));
      cases.add(OpCase.of(op + " non-adjacent axes, short last row", 18, op)
          .input("x", data(op, 3, 4, 9, 5, 2)).longs("axes", 1, 3).integer("keepdims", 0));
      cases.add(OpCase.of(op + " non-adjacent axes, kept last", 18, op)
          .input("x", data(op, 4, 6, 3, 7, 33)).longs("axes", 0, 2));
      cases.add(OpCase.of(op + " size-1 axes reduced and kept", 18, op)
          .input("x", data(op, 5, 1, 7, 1, 5)).longs("axes", 0, 2, 3));
      cases.add(OpCase.of(op + " only size-1 axes reduced", 18, op)
          .input("x", data(op, 6, 7, 1, 5)).longs("axes", 1).integer("keepdims", 0));
      cases.add(OpCase.of(op + " many short rows", 18, op)
          .input("x", data(op, 7, 2000, 3)).longs("axes", 1));
      cases.add(OpCase.of(op + " tall column, 2 wide", 18, op)
          .input("x", data(op, 8, 5000, 2)).longs("axes", 0));
    }
    return cases.stream();
  }

  /** Shape arithmetic on int64 vectors and matrices, folded at plan time. */
  static Stream<OpCase> integerReductions() {
    Tensor dims = Tensor.ofLongs(new int[] {2, 3}, new long[] {2, 3, 5, 7, 11, 4});
    return Stream.of(
        OpCase.of("int64 ReduceProd of a shape vector (plan time)", 18, "ReduceProd")
            .longs("s", 4, 3, 7, 5).integer("keepdims", 0).int64Output(),
        OpCase.of("int64 ReduceSum of a shape vector (plan time)", 13, "ReduceSum")
            .longs("s", 4, -3, 7, 5).longs("axes", 0).int64Output(),
        OpCase.of("int64 ReduceMax (plan time)", 18, "ReduceMax").weight("s", dims)
            .longs("axes", 1).int64Output(),
        OpCase.of("int64 ReduceProd over rows (plan time)", 18, "ReduceProd").weight("s", dims)
            .longs("axes", 0).integer("keepdims", 0).int64Output(),
        OpCase.of("int64 ReduceSum attribute form (plan time)", 11, "ReduceSum")
            .weight("s", dims).ints("axes", 0).int64Output());
  }

  /** Small integers in a float tensor, so that many values tie. */
  private static Tensor ties(long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(3) - 1;
    }
    return Tensor.of(shape, v);
  }

  static Stream<OpCase> argReductions() {
    List<OpCase> cases = new ArrayList<>();
    for (String op : new String[] {"ArgMax", "ArgMin"}) {
      for (int last = 0; last <= 1; last++) {
        for (long axis : new long[] {0, 1, 2, -1}) {
          for (int keep = 0; keep <= 1; keep++) {
            String label = op + " axis " + axis + " keepdims " + keep + " select_last_index "
                + last;
            cases.add(OpCase.of(label, 13, op).input("x", ties(label.hashCode(), 4, 6, 5))
                .integer("axis", axis).integer("keepdims", keep)
                .integer("select_last_index", last).int64Output());
          }
        }
        String s = " select_last_index " + last;
        cases.add(OpCase.of(op + " rank 1 default axis" + s, 13, op)
            .input("x", ties(last, 9)).integer("select_last_index", last).int64Output());
        cases.add(OpCase.of(op + " long rows" + s, 13, op)
            .input("x", ties(2 + last, 2, 5000)).integer("axis", 1)
            .integer("select_last_index", last).int64Output());
        cases.add(OpCase.of(op + " wide columns" + s, 13, op)
            .input("x", ties(4 + last, 3, 4, 1100)).integer("axis", -2)
            .integer("select_last_index", last).int64Output());
        cases.add(OpCase.of(op + " distinct values rank 4" + s, 13, op)
            .input("x", 3, 5, 4, 7).integer("axis", 2).integer("select_last_index", last)
            .int64Output());
      }
      cases.add(OpCase.of(op + " opset 11 defaults (axis 0, keepdims)", 11, op)
          .input("x", ties(11, 5, 4, 3)).int64Output());
      cases.add(OpCase.of(op + " int64 data (plan time)", 13, op)
          .weight("x", Tensor.ofLongs(new int[] {2, 4}, new long[] {3, 9, 9, 1, 4, 4, -2, 8}))
          .integer("axis", 1).int64Output());
    }
    return cases.stream();
  }

  static Stream<OpCase> normalizations() {
    List<OpCase> cases = new ArrayList<>();
    int[][] shapes = {{2, 5, 7}, {3, 4, 6, 6}};
    for (int[] x : shapes) {
      int r = x.length;
      for (int axes = 1; axes <= 2; axes++) {
        int[] norm = java.util.Arrays.copyOfRange(x, r - axes, r);
        for (boolean bias : new boolean[] {false, true}) {
          String label = "LayerNormalization " + java.util.Arrays.toString(x) + " last " + axes
              + " axes" + (bias ? " with bias" : "");
          OpCase c = OpCase.of(label, 17, "LayerNormalization").input("x", x)
              .weight("scale", norm);
          if (bias) {
            c.weight("b", norm);
          }
          if (axes == 2) {
            c.integer("axis", r - 2);
          }
          cases.add(c);
        }
      }
    }
    cases.add(OpCase.of("LayerNormalization negative axis -2 epsilon 0.1", 17,
        "LayerNormalization").input("x", 3, 4, 6, 6).weight("scale", 6, 6).weight("b", 6, 6)
        .integer("axis", -2).real("epsilon", 0.1f));
    cases.add(OpCase.of("LayerNormalization axis 0 (everything)", 17, "LayerNormalization")
        .input("x", 2, 5, 7).weight("scale", 2, 5, 7).integer("axis", 0));
    cases.add(OpCase.of("LayerNormalization offset data (large mean)", 17, "LayerNormalization")
        .input("x", Parity.random(9, 100f, 101f, 4, 33)).weight("scale", 33).weight("b", 33));
    cases.add(OpCase.of("LayerNormalization long rows (> one strip)", 17, "LayerNormalization")
        .input("x", 3, 5000).input("scale", 5000).input("b", 5000));
    cases.add(OpCase.of("InstanceNormalization [2,3,5,5]", 13, "InstanceNormalization")
        .input("x", 2, 3, 5, 5).weight("scale", 3).weight("b", 3));
    cases.add(OpCase.of("InstanceNormalization 1-D spatial epsilon 0.01 opset 6", 6,
        "InstanceNormalization").input("x", 3, 4, 9).weight("scale", 4).weight("b", 4)
        .real("epsilon", 0.01f));
    cases.add(OpCase.of("InstanceNormalization large planes", 13, "InstanceNormalization")
        .input("x", 2, 3, 70, 70).input("scale", 3).input("b", 3));
    cases.add(OpCase.of("GroupNormalization 3 groups of 2 (opset 18)", 18,
        "GroupNormalization").input("x", 2, 6, 5, 5).weight("scale", 3).weight("b", 3)
        .integer("num_groups", 3));
    cases.add(OpCase.of("GroupNormalization 1 group epsilon 0.01 (opset 18)", 18,
        "GroupNormalization").input("x", 3, 4, 7).weight("scale", 1).weight("b", 1)
        .integer("num_groups", 1).real("epsilon", 0.01f));
    cases.add(OpCase.of("GroupNormalization one channel per group (opset 18)", 18,
        "GroupNormalization").input("x", 2, 5, 3, 3).weight("scale", 5).weight("b", 5)
        .integer("num_groups", 5));
    cases.add(OpCase.of("GroupNormalization large groups (opset 18)", 18,
        "GroupNormalization").input("x", 1, 8, 40, 40).weight("scale", 2).weight("b", 2)
        .integer("num_groups", 2));
    cases.add(OpCase.of("GroupNormalization per-channel scale (opset 21)", 21,
        "GroupNormalization").input("x", 2, 6, 5, 5).weight("scale", 6).weight("b", 6)
        .integer("num_groups", 3));
    return cases.stream();
  }

  static Stream<OpCase> softmaxFamily() {
    List<OpCase> cases = new ArrayList<>();
    for (String op : new String[] {"LogSoftmax", "Hardmax"}) {
      cases.add(OpCase.of(op + " opset 11 axis 1 coerces to 2-D", 11, op)
          .input("x", ties(op.length(), 2, 3, 4)).integer("axis", 1));
      cases.add(OpCase.of(op + " opset 11 default axis 4-D", 11, op).input("x", 2, 3, 2, 5));
      cases.add(OpCase.of(op + " opset 11 last axis", 11, op).input("x", 3, 7)
          .integer("axis", 1));
      cases.add(OpCase.of(op + " opset 13 non-last axis", 13, op)
          .input("x", ties(op.length() + 1, 2, 3, 4)).integer("axis", 1));
      cases.add(OpCase.of(op + " opset 13 default last axis with ties", 13, op)
          .input("x", ties(op.length() + 2, 5, 10)));
      cases.add(OpCase.of(op + " opset 13 axis 0", 13, op).input("x", 3, 2, 5)
          .integer("axis", 0));
      cases.add(OpCase.of(op + " opset 13 negative axis -3 rank 4", 13, op)
          .input("x", 2, 3, 4, 5).integer("axis", -3));
      cases.add(OpCase.of(op + " rank 1", 13, op).input("x", 33));
    }
    return cases.stream();
  }

  // ------------------------------------------------------------------ multi-output and forms

  @Test
  void layerNormalizationMeanAndInvStdDevMatchOnnxRuntime() {
    Tensor x = Parity.random(3, 3, 4, 6, 6);
    Graph g = Graph.builder().name("ln")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, x.shape(), null))
        .initializer("scale", Parity.random(4, 6, 6)).initializer("b", Parity.random(5, 6, 6))
        .addNode(Node.builder("LayerNormalization").name("ln").inputs("x", "scale", "b")
            .outputs("y", "mean", "inv").attr("axis", -2L).build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null))
        .output(new ValueInfo("mean", ValueInfo.ELEM_FLOAT, null, null))
        .output(new ValueInfo("inv", ValueInfo.ELEM_FLOAT, null, null)).build();
    List<String> outs = List.of("y", "mean", "inv");
    Map<String, Tensor> expected = OrtReference.run(g, 17, Map.of("x", x), outs);
    try (Executable e = cpu.get().compile(g, 17)) {
      Map<String, Tensor> actual = e.run(Map.of("x", x), outs);
      for (String o : outs) {
        Parity.assertClose("LayerNormalization output " + o, expected.get(o), actual.get(o));
      }
      assertThat(actual.get("mean").shape()).containsExactly(3, 4, 1, 1);
    }
  }

  @Test
  void attributeAxesBecomeAnInputOnlyBeforeTheOpsetThatMovedThem() {
    for (String op : REDUCE_OPS) {
      long since = inputOpset(op);
      Graph g = reduceGraph(op, new long[] {1, -1});
      Graph old = OpsetForms.canonical(g, since - 1);
      Node n = old.nodes().get(0);
      assertThat(n.hasAttribute("axes")).as(op).isFalse();
      assertThat(old.initializer(n.input(1)).toLongArray()).as(op).containsExactly(1, -1);
      // a node of that opset is left alone (ReduceSum at 13 is rewritten no further)
      assertThat(OpsetForms.canonical(g, since).nodes().get(0).hasAttribute("axes")).as(op)
          .isTrue();
    }
  }

  private static Graph reduceGraph(String op, long[] axes) {
    return Graph.builder().name("r")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, new int[] {2, 3, 4}, null))
        .addNode(Node.builder(op).name("red").inputs("x").outputs("y")
            .attr("axes", Attribute.ofInts(axes)).build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
  }

  @Test
  void shapeRulesFollowAxesKeepdimsAndNoop() {
    Node keep = Node.builder("ReduceMean").name("m").inputs("x", "a").outputs("y").build();
    Node drop = Node.builder("ReduceMean").name("m").inputs("x", "a").outputs("y")
        .attr("keepdims", 0L).build();
    Node noop = Node.builder("ReduceMean").name("m").inputs("x").outputs("y")
        .attr("noop_with_empty_axes", 1L).build();
    Node all = Node.builder("ReduceMean").name("m").inputs("x").outputs("y")
        .attr("keepdims", 0L).build();
    int[][] in = {{2, 3, 4, 5}, {2}};
    Tensor axes = Tensor.ofLongs(new int[] {2}, new long[] {-1, 1});
    Tensor[] consts = {null, axes};
    assertThat(ShapeInference.outputShapes(keep, in, consts)[0]).containsExactly(2, 1, 4, 1);
    assertThat(ShapeInference.outputShapes(drop, in, consts)[0]).containsExactly(2, 4);
    // axes not known before run time: rank known with keepdims, unknown without
    assertThat(ShapeInference.outputShapes(keep, in, new Tensor[2])[0])
        .containsExactly(-1, -1, -1, -1);
    assertThat(ShapeInference.outputShapes(drop, in, new Tensor[2])[0]).isNull();
    assertThat(ShapeInference.outputShapes(noop, new int[][] {{2, 3}}, new Tensor[1])[0])
        .containsExactly(2, 3);
    assertThat(ShapeInference.outputShapes(all, new int[][] {{2, 3}}, new Tensor[1])[0])
        .isEmpty();
    Node arg = Node.builder("ArgMax").name("a").inputs("x").outputs("y").attr("axis", -2L)
        .attr("keepdims", 0L).build();
    assertThat(ShapeInference.outputShapes(arg, new int[][] {{2, 3, 4}}, new Tensor[1])[0])
        .containsExactly(2, 4);
    Node ln = Node.builder("LayerNormalization").name("ln").inputs("x", "s")
        .outputs("y", "mean", "inv").attr("axis", 1L).build();
    int[][] lnOut = ShapeInference.outputShapes(ln, new int[][] {{2, 3, 4}, {3, 4}},
        new Tensor[2]);
    assertThat(lnOut[0]).containsExactly(2, 3, 4);
    assertThat(lnOut[1]).containsExactly(2, 1, 1);
    assertThat(lnOut[2]).containsExactly(2, 1, 1);
  }

  // ------------------------------------------------------------------ malformed nodes

  private static Graph oneNode(Node node, int[] x, Map<String, Tensor> inits) {
    Graph.Builder b = Graph.builder().name("bad")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, x, null));
    inits.forEach(b::initializer);
    return b.addNode(node).output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
  }

  private static void assertMalformed(Graph g, long opset, String... fragments) {
    assertThatThrownBy(() -> {
      try (Executable e = cpu.get().compile(g, opset)) {
        e.run(Map.of("x", Parity.random(1, g.inputs().get(0).shape())), List.of("y"));
      }
    }).isInstanceOf(ModelFormatException.class).hasMessageContaining("'bad_node'")
        .hasMessageContainingAll(fragments);
  }

  @Test
  void anAxisOutOfRangeIsMalformedAndNamesTheNode() {
    Node n = Node.builder("ReduceSum").name("bad_node").inputs("x", "axes").outputs("y").build();
    assertMalformed(oneNode(n, new int[] {2, 3, 4},
        Map.of("axes", Tensor.ofLongs(new int[] {1}, new long[] {3}))), 18, "axis 3");
    Node old = Node.builder("ReduceMax").name("bad_node").inputs("x").outputs("y")
        .attr("axes", Attribute.ofInts(new long[] {-4})).build();
    assertMalformed(oneNode(old, new int[] {2, 3, 4}, Map.of()), 13, "axis -4");
    Node arg = Node.builder("ArgMin").name("bad_node").inputs("x").outputs("y")
        .attr("axis", 2L).build();
    assertMalformed(oneNode(arg, new int[] {2, 3}, Map.of()), 13, "axis 2");
  }

  @Test
  void aWrongInputCountIsMalformedAndNamesTheNode() {
    Tensor axes = Tensor.ofLongs(new int[] {1}, new long[] {0});
    Node n = Node.builder("ReduceMean").name("bad_node").inputs("x", "axes", "axes")
        .outputs("y").build();
    assertMalformed(oneNode(n, new int[] {2, 3}, Map.of("axes", axes)), 18, "at most 2");
    Node ln = Node.builder("LayerNormalization").name("bad_node").inputs("x").outputs("y")
        .build();
    assertMalformed(oneNode(ln, new int[] {2, 3}, Map.of()), 17, "input 1 is missing");
  }

  @Test
  void normalizationParametersOfTheWrongShapeAreMalformed() {
    Node ln = Node.builder("LayerNormalization").name("bad_node").inputs("x", "s").outputs("y")
        .attr("axis", -2L).build();
    assertMalformed(oneNode(ln, new int[] {2, 3, 4}, Map.of("s", Parity.random(1, 5))), 17,
        "does not broadcast to the normalized shape [3, 4]");
    // a scale that broadcasts to the normalized shape but is not as large is refused, not wrong
    Graph broadcast = oneNode(ln, new int[] {2, 3, 4}, Map.of("s", Parity.random(1, 4)));
    assertThatThrownBy(() -> {
      try (Executable e = cpu.get().compile(broadcast, 17)) {
        e.run(Map.of("x", Parity.random(1, 2, 3, 4)), List.of("y"));
      }
    }).isInstanceOf(UnsupportedOperatorException.class).hasMessageContaining("'bad_node'")
        .hasMessageContaining("broadcast over the normalized shape [3, 4]");
    Node gn = Node.builder("GroupNormalization").name("bad_node").inputs("x", "s", "b")
        .outputs("y").attr("num_groups", 4L).build();
    assertMalformed(oneNode(gn, new int[] {2, 6, 3},
        Map.of("s", Parity.random(1, 4), "b", Parity.random(2, 4))), 18, "num_groups 4");
    // opset 18's per-group form given per-channel parameters
    Node gn18 = Node.builder("GroupNormalization").name("bad_node").inputs("x", "s", "b")
        .outputs("y").attr("num_groups", 2L).build();
    assertMalformed(oneNode(gn18, new int[] {2, 6, 3},
        Map.of("s", Parity.random(1, 6), "b", Parity.random(2, 6))), 18, "per group");
    // opset 21's per-channel form given per-group parameters
    assertMalformed(oneNode(gn18, new int[] {2, 6, 3},
        Map.of("s", Parity.random(1, 2), "b", Parity.random(2, 2))), 21, "per channel");
    Node in = Node.builder("InstanceNormalization").name("bad_node").inputs("x", "s", "b")
        .outputs("y").build();
    assertMalformed(oneNode(in, new int[] {2, 6},
        Map.of("s", Parity.random(1, 6), "b", Parity.random(2, 6))), 13, "rank 2");
  }
}

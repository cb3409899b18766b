package io.bocomp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.model.op.OpsetForms;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of shape inference per op, with awkward cases and the errors it must raise. */
class ShapeInferenceTest {

  /** One row: a node, its input shapes and constants, the opset and the expected output shape. */
  static final class Row {
    final String label;
    final Node node;
    final int[][] in;
    final Tensor[] consts;
    final long opset;
    final int[] expected;
    final String error;

    Row(String label, Node node, int[][] in, Tensor[] consts, long opset, int[] expected,
        String error) {
      this.label = label;
      this.node = node;
      this.in = in;
      this.consts = consts;
      this.opset = opset;
      this.expected = expected;
      this.error = error;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  private static int[] s(int... d) {
    return d;
  }

  private static Attribute ints(long... v) {
    return Attribute.ofInts(v);
  }

  private static Tensor longs(long... v) {
    return Tensor.ofLongs(new int[] {v.length}, v);
  }

  private static Node.Builder n(String op, int inputs) {
    String[] names = new String[inputs];
    for (int i = 0; i < inputs; i++) {
      names[i] = "i" + i;
    }
    return Node.builder(op).name("n").inputs(names).outputs("y");
  }

  private static Row ok(String label, Node.Builder node, long opset, int[] expected,
      int[]... in) {
    return new Row(label, node.build(), in, null, opset, expected, null);
  }

  private static Row okc(String label, Node.Builder node, long opset, int[] expected,
      Tensor[] consts, int[]... in) {
    return new Row(label, node.build(), in, consts, opset, expected, null);
  }

  private static Row bad(String label, Node.Builder node, long opset, String error,
      int[]... in) {
    return new Row(label, node.build(), in, null, opset, null, error);
  }

  static Stream<Row> rows() {
    return Stream.of(
        // Conv
        ok("conv same pads", n("Conv", 3).attr("pads", 1L, 1, 1, 1), 13, s(2, 8, 28, 28),
            s(2, 3, 28, 28), s(8, 3, 3, 3), s(8)),
        ok("conv stride 2 asymmetric pads", n("Conv", 2).attr("strides", 2L, 2)
            .attr("pads", 0L, 1, 2, 1), 13, s(1, 4, 5, 5), s(1, 3, 10, 9), s(4, 3, 3, 3)),
        ok("conv dilation", n("Conv", 2).attr("dilations", 2L, 2), 13, s(1, 4, 6, 3),
            s(1, 3, 10, 7), s(4, 3, 3, 3)),
        ok("conv groups", n("Conv", 2).attr("group", 4L), 13, s(1, 8, 5, 5),
            s(1, 8, 7, 7), s(8, 2, 3, 3)),
        ok("conv SAME_UPPER stride 2 odd", n("Conv", 2).attr("auto_pad", "SAME_UPPER")
            .attr("strides", 2L, 2), 13, s(1, 4, 5, 4), s(1, 3, 9, 8), s(4, 3, 3, 3)),
        ok("conv SAME_LOWER", n("Conv", 2).attr("auto_pad", "SAME_LOWER"), 13,
            s(1, 4, 9, 8), s(1, 3, 9, 8), s(4, 3, 4, 4)),
        ok("conv VALID", n("Conv", 2).attr("auto_pad", "VALID").attr("strides", 2L, 2), 11,
            s(1, 4, 4, 3), s(1, 3, 9, 8), s(4, 3, 3, 3)),
        ok("conv unknown batch and height", n("Conv", 2).attr("pads", 1L, 1, 1, 1), 13,
            s(-1, 4, -1, 8), s(-1, 3, -1, 8), s(4, 3, 3, 3)),
        ok("conv 1-D", n("Conv", 2).attr("strides", ints(2)), 13, s(2, 6, 7), s(2, 4, 17),
            s(6, 4, 5)),
        bad("conv channel mismatch", n("Conv", 2), 13, "needs 3", s(1, 4, 8, 8), s(8, 3, 3, 3)),
        bad("conv group not dividing", n("Conv", 2).attr("group", 2L), 13, "multiple of group",
            s(1, 4, 8, 8), s(7, 2, 3, 3)),
        bad("conv kernel larger than input", n("Conv", 2), 13, "too small", s(1, 3, 2, 2),
            s(4, 3, 3, 3)),
        bad("conv pads and auto_pad", n("Conv", 2).attr("auto_pad", "SAME_UPPER")
            .attr("pads", 1L, 1, 1, 1), 13, "both pads and auto_pad", s(1, 3, 8, 8),
            s(4, 3, 3, 3)),
        // ConvTranspose
        ok("conv transpose stride 2 output padding", n("ConvTranspose", 2)
            .attr("strides", 2L, 2).attr("pads", 1L, 1, 1, 1).attr("output_padding", 1L, 1), 13,
            s(1, 3, 8, 8), s(1, 4, 4, 4), s(4, 3, 3, 3)),
        ok("conv transpose groups SAME_UPPER", n("ConvTranspose", 2).attr("group", 2L)
            .attr("strides", 2L, 2).attr("auto_pad", "SAME_UPPER"), 13, s(1, 6, 10, 8),
            s(1, 4, 5, 4), s(4, 3, 3, 3)),
        // pools
        ok("maxpool floor", n("MaxPool", 1).attr("kernel_shape", 2L, 2).attr("strides", 2L, 2),
            13, s(1, 3, 3, 4), s(1, 3, 7, 9)),
        ok("maxpool ceil", n("MaxPool", 1).attr("kernel_shape", 2L, 2).attr("strides", 2L, 2)
            .attr("ceil_mode", 1L), 13, s(1, 3, 4, 5), s(1, 3, 7, 9)),
        ok("maxpool ceil keeps window starting in the input", n("MaxPool", 1)
            .attr("kernel_shape", 3L, 3).attr("strides", 2L, 2).attr("pads", 1L, 1, 1, 1)
            .attr("ceil_mode", 1L), 13, s(1, 1, 4, 4), s(1, 1, 6, 6)),
        ok("maxpool ceil drops window starting in the padding", n("MaxPool", 1)
            .attr("kernel_shape", 2L, 2).attr("strides", 2L, 2).attr("pads", 1L, 1, 1, 1)
            .attr("ceil_mode", 1L), 13, s(1, 1, 3, 3), s(1, 1, 5, 5)),
        ok("avgpool pads", n("AveragePool", 1).attr("kernel_shape", 3L, 3)
            .attr("pads", 1L, 1, 1, 1), 13, s(2, 3, 7, 7), s(2, 3, 7, 7)),
        ok("global average pool", n("GlobalAveragePool", 1), 13, s(2, 5, 1, 1), s(2, 5, 7, 6)),
        bad("pool without kernel_shape", n("MaxPool", 1), 13, "kernel_shape", s(1, 3, 8, 8)),
        // Gemm / MatMul
        ok("gemm", n("Gemm", 3), 13, s(7, 4), s(7, 6), s(6, 4), s(4)),
        ok("gemm transA transB", n("Gemm", 2).attr("transA", 1L).attr("transB", 1L), 13,
            s(3, 5), s(6, 3), s(5, 6)),
        bad("gemm inner mismatch", n("Gemm", 2), 13, "inner dimensions", s(7, 6), s(5, 4)),
        bad("gemm C not broadcastable", n("Gemm", 3), 13, "does not broadcast", s(7, 6),
            s(6, 4), s(3)),
        ok("matmul batched broadcast", n("MatMul", 2), 13, s(2, 3, 4, 6), s(2, 1, 4, 5),
            s(3, 5, 6)),
        ok("matmul 1-D left", n("MatMul", 2), 13, s(2, 6), s(5), s(2, 5, 6)),
        ok("matmul 1-D right", n("MatMul", 2), 13, s(2, 4), s(2, 4, 5), s(5)),
        ok("matmul 1-D both", n("MatMul", 2), 13, s(), s(5), s(5)),
        ok("matmul unknown batch", n("MatMul", 2), 13, s(-1, 4, 6), s(-1, 4, 5), s(5, 6)),
        bad("matmul mismatch", n("MatMul", 2), 13, "inner dimensions", s(4, 5), s(4, 6)),
        // broadcasting binary
        ok("add broadcast", n("Add", 2), 13, s(3, 4, 5), s(3, 1, 5), s(4, 1)),
        ok("mul scalar", n("Mul", 2), 13, s(2, 3), s(2, 3), s()),
        ok("sub unknown against 1", n("Sub", 2), 13, s(-1, 3), s(-1, 3), s(1, 3)),
        ok("div unknown against known", n("Div", 2), 13, s(5, 3), s(-1, 3), s(5, 1)),
        bad("add incompatible", n("Add", 2), 13, "cannot be broadcast", s(3, 4), s(5, 4)),
        ok("prelu", n("PRelu", 2), 9, s(2, 3, 4, 4), s(2, 3, 4, 4), s(3, 1, 1)),
        bad("prelu slope too big", n("PRelu", 2), 9, "slope", s(2, 3), s(4, 3)),
        // element-wise
        ok("relu", n("Relu", 1), 13, s(-1, 7), s(-1, 7)),
        ok("clip with bounds", n("Clip", 3), 13, s(2, 2), s(2, 2), s(), s()),
        ok("batchnorm", n("BatchNormalization", 5), 15, s(2, 3, 4, 4), s(2, 3, 4, 4), s(3),
            s(3), s(3), s(3)),
        ok("softmax", n("Softmax", 1).attr("axis", 1L), 11, s(2, 3, 4), s(2, 3, 4)),
        ok("dropout", n("Dropout", 1), 12, s(4, 5), s(4, 5)),
        // layout
        ok("flatten axis 1", n("Flatten", 1), 13, s(2, 60), s(2, 3, 4, 5)),
        ok("flatten axis 0", n("Flatten", 1).attr("axis", 0L), 13, s(1, 120), s(2, 3, 4, 5)),
        ok("flatten axis -1", n("Flatten", 1).attr("axis", -1L), 13, s(24, 5), s(2, 3, 4, 5)),
        ok("flatten axis = rank", n("Flatten", 1).attr("axis", 4L), 13, s(120, 1),
            s(2, 3, 4, 5)),
        ok("flatten unknown batch", n("Flatten", 1), 13, s(-1, 60), s(-1, 3, 4, 5)),
        bad("INT where INTS expected", n("Conv", 2).attr("strides", 2L), 13,
            "expected INTS", s(1, 3, 8, 8), s(4, 3, 3, 3)),
        bad("flatten axis out of range", n("Flatten", 1).attr("axis", 5L), 13, "out of range",
            s(2, 3, 4, 5)),
        okc("reshape 0 and -1", n("Reshape", 2), 13, s(2, 12, 5),
            new Tensor[] {null, longs(0, -1, 5)}, s(2, 3, 4, 5), s(3)),
        okc("reshape copies unknown batch", n("Reshape", 2), 13, s(-1, 60),
            new Tensor[] {null, longs(0, -1)}, s(-1, 3, 4, 5), s(2)),
        okc("reshape unknown element", n("Reshape", 2), 13, s(-1, -1),
            new Tensor[] {null, longs(ShapeInference.UNKNOWN_VALUE, -1)}, s(-1, 3, 4, 5), s(2)),
        okc("reshape allowzero keeps 0", n("Reshape", 2).attr("allowzero", 1L), 14, s(0, 3),
            new Tensor[] {null, longs(0, 3)}, s(0, 3), s(2)),
        ok("reshape non-constant target of known length", n("Reshape", 2), 13, s(-1, -1, -1),
            s(2, 3, 4), s(3)),
        new Row("reshape size mismatch", n("Reshape", 2).build(), new int[][] {s(2, 3), s(2)},
            new Tensor[] {null, longs(4, 2)}, 13, null, "cannot reshape"),
        new Row("reshape two -1", n("Reshape", 2).build(), new int[][] {s(2, 3), s(2)},
            new Tensor[] {null, longs(-1, -1)}, 13, null, "more than one -1"),
        ok("transpose default reverses", n("Transpose", 1), 13, s(4, 3, 2), s(2, 3, 4)),
        ok("transpose perm", n("Transpose", 1).attr("perm", 0L, 2, 3, 1), 13, s(2, 4, 5, 3),
            s(2, 3, 4, 5)),
        bad("transpose bad perm", n("Transpose", 1).attr("perm", 0L, 0, 1), 13,
            "not a permutation", s(2, 3, 4)),
        ok("concat negative axis", n("Concat", 3).attr("axis", -1L), 13, s(2, 9),
            s(2, 3), s(2, 4), s(2, 2)),
        ok("concat unknown", n("Concat", 2).attr("axis", 1L), 13, s(2, -1), s(-1, 3),
            s(2, -1)),
        bad("concat mismatch", n("Concat", 2).attr("axis", 0L), 13, "differ off the concat",
            s(2, 3), s(2, 4)),
        ok("shape", n("Shape", 1), 13, s(4), s(2, 3, 4, 5)),
        ok("shape start end", n("Shape", 1).attr("start", 1L).attr("end", -1L), 15, s(2),
            s(2, 3, 4, 5)),
        ok("shape start past end", n("Shape", 1).attr("start", -1L).attr("end", 1L), 15, s(0),
            s(2, 3, 4, 5)),
        ok("gather axis 1", n("Gather", 2).attr("axis", 1L), 13, s(2, 4, 3, 5), s(2, 6, 5),
            s(4, 3)),
        ok("gather scalar index", n("Gather", 2), 13, s(), s(4), s()),
        ok("unsqueeze attr (opset 11)", n("Unsqueeze", 1).attr("axes", 0L, 3), 11,
            s(1, 3, 4, 1), s(3, 4)),
        okc("unsqueeze input negative axes (opset 13)", n("Unsqueeze", 2), 13, s(3, 1, 4, 1),
            new Tensor[] {null, longs(-1, 1)}, s(3, 4), s(2)),
        ok("squeeze all ones", n("Squeeze", 1), 13, s(3, 4), s(1, 3, 1, 4)),
        ok("squeeze attr", n("Squeeze", 1).attr("axes", ints(2)), 11, s(1, 3, 4), s(1, 3, 1, 4)),
        ok("squeeze unknown dims without axes", n("Squeeze", 1), 13, null, s(-1, 3)),
        bad("squeeze non-unit", n("Squeeze", 1).attr("axes", ints(1)), 11, "cannot squeeze",
            s(1, 3)));
  }

  /**
   * Output shapes of the row's node; a node of an older opset goes through whole-graph inference,
   * which first brings it to its canonical form (OpsetForms) as every graph is.
   */
  private static int[][] infer(Row r) {
    if (r.opset >= OpsetForms.CANONICAL_OPSET) {
      return ShapeInference.outputShapes(r.node, r.in, r.consts);
    }
    Graph.Builder g = Graph.builder();
    for (int i = 0; i < r.node.inputs().size(); i++) {
      Tensor c = r.consts != null && i < r.consts.length ? r.consts[i] : null;
      if (c != null) {
        g.initializer(r.node.input(i), c);
      } else {
        g.input(new ValueInfo(r.node.input(i), ValueInfo.ELEM_FLOAT, i < r.in.length ? r.in[i]
            : null, null));
      }
    }
    g.addNode(r.node).output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null));
    Graph shaped = ShapeInference.infer(g.build(), r.opset);
    return new int[][] {shaped.valueInfo("y").map(ValueInfo::shape).orElse(null)};
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void infersOutputShape(Row r) {
    if (r.error != null) {
      assertThatThrownBy(() -> infer(r))
          .isInstanceOf(ModelFormatException.class)
          .hasMessageContaining("'n'")
          .hasMessageContaining(r.error);
      return;
    }
    int[][] out = infer(r);
    if (r.expected == null) {
      assertThat(out[0]).isNull();
    } else {
      assertThat(out[0]).as(Arrays.toString(out[0])).containsExactly(r.expected);
    }
  }

  @Test
  void rejectsUnknownOpsNamingNodeAndOp() {
    Node node = Node.builder("LSTM").name("rnn").inputs("x").outputs("y").build();
    assertThatThrownBy(() -> ShapeInference.outputShapes(node, new int[][] {s(1)}, null))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("node 'rnn'").hasMessageContaining("LSTM")
        .hasMessageContaining("supported ops:");
    Node custom = Node.builder("Conv").domain("com.example").name("c").inputs("x", "w")
        .outputs("y").build();
    assertThatThrownBy(() -> ShapeInference.outputShapes(custom, new int[][] {s(1), s(1)},
        null)).isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("com.example.Conv");
  }

  @Test
  void infersAWholeGraphPropagatingUnknownBatchAndShapeData() {
    Graph g = Graph.builder()
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, s(-1, 3, 8, 8),
            new String[] {"N", null, null, null}))
        .initializer("w", Tensor.zeros(4, 3, 3, 3))
        .initializer("zero", Tensor.ofLongs(new int[0], new long[] {0}))
        .initializer("axes", longs(0))
        .initializer("minus1", longs(-1))
        .initializer("two", longs(2))
        .addNode(Node.builder("Conv").name("conv").inputs("x", "w").outputs("c")
            .attr("pads", 1L, 1, 1, 1).attr("strides", 2L, 2).build())
        .addNode(Node.builder("Shape").name("shape").inputs("c").outputs("s").build())
        .addNode(Node.builder("Gather").name("g").inputs("s", "zero").outputs("n")
            .attr("axis", 0L).build())
        .addNode(Node.builder("Unsqueeze").name("u").inputs("n", "axes").outputs("nu").build())
        .addNode(Node.builder("Concat").name("cat").inputs("nu", "two", "minus1")
            .outputs("target").attr("axis", 0L).build())
        .addNode(Node.builder("Reshape").name("r").inputs("c", "target").outputs("y").build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null))
        .build();
    Graph inf = ShapeInference.infer(g, 13);
    assertThat(inf.valueInfo("c").orElseThrow().shape()).containsExactly(-1, 4, 4, 4);
    assertThat(inf.valueInfo("c").orElseThrow().elemType()).isEqualTo(ValueInfo.ELEM_FLOAT);
    assertThat(inf.valueInfo("s").orElseThrow().shape()).containsExactly(4);
    assertThat(inf.valueInfo("s").orElseThrow().elemType()).isEqualTo(ValueInfo.ELEM_INT64);
    assertThat(inf.valueInfo("target").orElseThrow().shape()).containsExactly(3);
    // rank known from the propagated data [?, 2, -1]; the -1 depends on the unknown batch
    assertThat(inf.valueInfo("y").orElseThrow().shape()).containsExactly(-1, 2, -1);
    assertThat(inf.outputs().get(0).shape()).containsExactly(-1, 2, -1);
    assertThat(g.valueInfos()).as("input graph untouched").isEmpty();
  }

  @Test
  void reportsInconsistentAnnotationsNamingTheNode() {
    Graph g = Graph.builder()
        .input(ValueInfo.floatTensor("x", 2, 3))
        .addNode(Node.builder("Relu").name("act").inputs("x").outputs("y").build())
        .output(ValueInfo.floatTensor("y", 2, 4))
        .build();
    assertThatThrownBy(() -> ShapeInference.infer(g, 13))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("'act'")
        .hasMessageContaining("[2, 4]");
  }
}

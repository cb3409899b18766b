package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.Executable;
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
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unary math ops and activations (Exp ... ThresholdedRelu, Gelu, Mish), Pow and the variadic
 * Min/Max/Sum/Mean against ONNX Runtime on one-node models: inputs drawn from each function's
 * domain, awkward and rank-0 shapes, broadcasting, every attribute default and non-default, the
 * integer-exponent forms of Pow, and several opsets. Also: the error function against known
 * values, activations fused into a Conv/Gemm epilogue, and malformed nodes.
 */
class MathOpConformanceTest extends CpuConformance {

  @ParameterizedTest(name = "{0}")
  @MethodSource({"unary", "activations", "pow", "variadic"})
  void matchesOnnxRuntime(OpCase c) {
    assertMatchesOnnxRuntime(c);
  }

  static Stream<OpCase> unary() {
    return Stream.of(
        OpCase.of("exp", 13, "Exp").input("x", r(1, -5f, 5f, 3, 33)),
        OpCase.of("exp opset 6 rank 0", 6, "Exp").input("x", Tensor.scalar(1.7f)),
        OpCase.of("log", 13, "Log").input("x", r(2, 0.01f, 10f, 2, 3, 5, 7)),
        OpCase.of("log opset 6 large", 6, "Log").input("x", r(3, 1e-3f, 1e3f, 3, 40000)),
        OpCase.of("neg", 13, "Neg").input("x", 7),
        OpCase.of("neg opset 6 rank 0", 6, "Neg").input("x", Tensor.scalar(-2.5f)),
        OpCase.of("abs", 13, "Abs").input("x", r(4, -3f, 3f, 1, 7, 1, 9)),
        OpCase.of("abs opset 6", 6, "Abs").input("x", 33),
        OpCase.of("reciprocal positive", 13, "Reciprocal").input("x", r(5, 0.2f, 5f, 4, 9)),
        OpCase.of("reciprocal negative opset 6", 6, "Reciprocal")
            .input("x", r(6, -5f, -0.2f, 2, 1, 17)),
        OpCase.of("sqrt", 13, "Sqrt").input("x", r(7, 0f, 9f, 5, 11)),
        OpCase.of("sqrt opset 6 large", 6, "Sqrt").input("x", r(8, 0f, 100f, 2, 33000)),
        OpCase.of("erf |x| up to 5", 13, "Erf").input("x", r(9, -5f, 5f, 7, 33)),
        OpCase.of("erf small |x| (opset 9)", 9, "Erf").input("x", r(10, -0.5f, 0.5f, 3, 4, 5)),
        OpCase.of("erf across the branch at |x| = 1", 13, "Erf")
            .input("x", r(11, -1.3f, 1.3f, 1000)),
        OpCase.of("floor", 13, "Floor").input("x", halves(12, 4, 17)),
        OpCase.of("floor opset 6", 6, "Floor").input("x", r(13, -5f, 5f, 2, 3, 7)),
        OpCase.of("ceil", 13, "Ceil").input("x", halves(14, 4, 17)),
        OpCase.of("ceil opset 6 rank 0", 6, "Ceil").input("x", Tensor.scalar(-0.5f)),
        OpCase.of("round halves to even", 11, "Round").input("x", halves(15, 3, 33)),
        OpCase.of("round exact halves", 11, "Round").input("x", values(new int[] {10},
            -2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.5f, 0.49999997f, -3.5f, 4.5f)),
        OpCase.of("sign with zeros", 13, "Sign").input("x", halves(16, 5, 7)),
        OpCase.of("sign opset 9", 9, "Sign").input("x", values(new int[] {2, 3},
            0f, -0f, 3f, -1e-20f, 1e-20f, -7f)),
        OpCase.of("sin", 7, "Sin").input("x", r(17, -10f, 10f, 3, 33)),
        OpCase.of("sin rank 0", 7, "Sin").input("x", Tensor.scalar(2f)),
        OpCase.of("cos", 7, "Cos").input("x", r(18, -10f, 10f, 2, 5, 9)),
        OpCase.of("cos large", 7, "Cos").input("x", r(19, -3f, 3f, 40001)));
  }

  static Stream<OpCase> activations() {
    return Stream.of(
        OpCase.of("gelu default (none)", 20, "Gelu").input("x", r(20, -6f, 6f, 3, 33)),
        OpCase.of("gelu approximate none", 20, "Gelu").string("approximate", "none")
            .input("x", r(21, -8f, 4f, 2, 3, 7)),
        OpCase.of("gelu approximate tanh", 20, "Gelu").string("approximate", "tanh")
            .input("x", r(22, -6f, 6f, 5, 13)),
        OpCase.of("elu default alpha", 13, "Elu").input("x", r(23, -4f, 4f, 3, 33)),
        OpCase.of("elu alpha 0.5 opset 6", 6, "Elu").real("alpha", 0.5f)
            .input("x", r(24, -4f, 4f, 2, 1, 9)),
        OpCase.of("selu defaults", 13, "Selu").input("x", r(25, -4f, 4f, 4, 17)),
        OpCase.of("selu alpha gamma opset 6", 6, "Selu").real("alpha", 2f).real("gamma", 0.5f)
            .input("x", r(26, -4f, 4f, 7, 7)),
        OpCase.of("celu default alpha", 12, "Celu").input("x", r(27, -4f, 4f, 3, 33)),
        OpCase.of("celu alpha 2", 12, "Celu").real("alpha", 2f).input("x", r(28, -6f, 3f, 33)),
        OpCase.of("celu alpha 0.5 rank 0", 12, "Celu").real("alpha", 0.5f)
            .input("x", Tensor.scalar(-1.25f)),
        OpCase.of("thresholded relu default alpha", 10, "ThresholdedRelu")
            .input("x", r(29, -3f, 3f, 4, 33)),
        OpCase.of("thresholded relu alpha 0.3", 10, "ThresholdedRelu").real("alpha", 0.3f)
            .input("x", r(30, -1f, 1f, 2, 3, 5)),
        OpCase.of("thresholded relu at alpha exactly", 10, "ThresholdedRelu")
            .input("x", values(new int[] {6}, 1f, -1f, 0.999f, 1.001f, 2f, 0f)),
        OpCase.of("thresholded relu negative alpha", 10, "ThresholdedRelu")
            .real("alpha", -0.5f).input("x", r(31, -1f, 1f, 7)),
        OpCase.of("softplus", 13, "Softplus").input("x", r(32, -5f, 5f, 3, 33)),
        OpCase.of("softplus large |x| opset 1", 1, "Softplus")
            .input("x", r(33, -60f, 60f, 2, 50)),
        OpCase.of("softsign", 13, "Softsign").input("x", r(34, -10f, 10f, 4, 9)),
        OpCase.of("softsign rank 0 opset 1", 1, "Softsign").input("x", Tensor.scalar(-3f)),
        OpCase.of("mish", 18, "Mish").input("x", r(35, -10f, 10f, 3, 33)),
        OpCase.of("mish large", 18, "Mish").input("x", r(36, -30f, 30f, 2, 20000)));
  }

  static Stream<OpCase> pow() {
    return Stream.of(
        OpCase.of("pow tensor exponent", 15, "Pow").input("x", r(40, 0.1f, 3f, 2, 3, 4))
            .input("e", r(41, -2f, 2f, 2, 3, 4)),
        OpCase.of("pow x^2 negative base", 13, "Pow").input("x", r(42, -3f, 3f, 3, 5))
            .scalar("e", 2f),
        OpCase.of("pow x^3 negative base", 13, "Pow").input("x", r(43, -3f, 3f, 3, 5))
            .scalar("e", 3f),
        OpCase.of("pow x^0.5", 13, "Pow").input("x", r(44, 0f, 9f, 4, 7)).scalar("e", 0.5f),
        OpCase.of("pow x^1 x^0 x^-1", 13, "Pow").input("x", r(45, 0.5f, 2f, 3, 1, 1))
            .input("e", values(new int[] {3, 1, 1}, 1f, 0f, -1f)),
        OpCase.of("pow general scalar exponent", 12, "Pow").input("x", r(46, 0.1f, 4f, 5, 9))
            .scalar("e", 1.7f),
        OpCase.of("pow int64 scalar exponent, negative base", 13, "Pow")
            .input("x", r(47, -3f, 3f, 2, 7)).weight("e", longScalar(3)),
        OpCase.of("pow int64 exponent vector [W]", 15, "Pow")
            .input("x", r(48, -2f, 2f, 2, 3, 4, 7)).longs("e", 0, 1, 2, 3, 4, 5, -2),
        OpCase.of("pow integer-valued float exponents, negative base", 13, "Pow")
            .input("x", r(49, -2f, 2f, 3, 5, 4)).weight("e", values(new int[] {4}, 2f, 3f,
                -1f, 4f)),
        OpCase.of("pow [N,C,H,W] ^ [1,C,1,1]", 13, "Pow").input("x", r(50, 0.1f, 2f, 2, 3, 4, 5))
            .weight("e", values(new int[] {1, 3, 1, 1}, 2f, 0.5f, -1.5f)),
        OpCase.of("pow per-row run-time exponents", 13, "Pow").input("x", r(51, 0.1f, 2f, 6, 33))
            .input("e", values(new int[] {6, 1}, 2f, 3f, 0.5f, 1f, 0f, -0.7f)),
        OpCase.of("pow rank-0 base, tensor exponent", 13, "Pow").input("x", Tensor.scalar(1.3f))
            .input("e", r(52, -3f, 3f, 3, 4)),
        OpCase.of("pow opset 7 broadcast", 7, "Pow").input("x", r(53, 0.2f, 2f, 4, 1, 6))
            .input("e", r(54, -1f, 2f, 5, 1)),
        OpCase.of("pow large", 15, "Pow").input("x", r(55, 0.5f, 1.5f, 3, 40000))
            .scalar("e", 2.5f));
  }

  static Stream<OpCase> variadic() {
    return Stream.of(
        OpCase.of("sum one input (copy)", 13, "Sum").input("a", 3, 7),
        OpCase.of("sum three equal shapes (opset 6)", 6, "Sum").input("a", 2, 3, 5)
            .input("b", 2, 3, 5).input("c", 2, 3, 5),
        OpCase.of("sum [N,C,H,W] + [1,C,1,1] + [W] + scalar", 13, "Sum")
            .input("a", 2, 3, 4, 5).weight("b", 1, 3, 1, 1).input("c", 5)
            .input("d", Tensor.scalar(0.25f)),
        OpCase.of("sum rank-0 first", 8, "Sum").input("a", Tensor.scalar(2f)).input("b", 4, 3),
        OpCase.of("mean one input", 13, "Mean").input("a", 33),
        OpCase.of("mean of four with broadcast", 13, "Mean").input("a", 3, 1, 5)
            .input("b", 1, 4, 1).weight("c", 5).input("d", 3, 4, 5),
        OpCase.of("mean opset 8 two", 8, "Mean").input("a", 2, 7).input("b", 7),
        OpCase.of("max outer product broadcast", 13, "Max").input("a", 3, 1).input("b", 1, 4),
        OpCase.of("max [N,C,H,W] vs [1,C,1,1] vs [W] (opset 8)", 8, "Max")
            .input("a", 2, 3, 4, 5).weight("b", 1, 3, 1, 1).input("c", 5),
        OpCase.of("max one input opset 12", 12, "Max").input("a", Tensor.scalar(-1f)),
        OpCase.of("max long rows", 13, "Max").input("a", 2, 40000).input("b", 40000),
        OpCase.of("min output larger than the first pair's", 13, "Min").input("a", 3, 1, 5)
            .input("b", 1, 1, 5).input("c", 4, 1).input("d", 2, 1, 1, 1),
        OpCase.of("min scalar and tensor", 12, "Min").scalar("a", 0.1f).input("b", 3, 4),
        OpCase.of("min two equal shapes (opset 6)", 6, "Min").input("a", 5, 6).input("b", 5, 6));
  }

  /** An activation fused into a Conv or Gemm epilogue: one step, and ORT's values. */
  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("fusions")
  void activationsFuseIntoConvAndGemm(String host, String act, String attr, Object value,
      long opset) {
    Graph.Builder b = Graph.builder().name("fused");
    Map<String, Tensor> feeds;
    Node.Builder hostNode;
    if (host.equals("Conv")) {
      b.input(ValueInfo.floatTensor("x", 2, 3, 9, 8)).initializer("w", r(60, -1f, 1f, 5, 3, 3, 3))
          .initializer("bias", r(61, -1f, 1f, 5));
      hostNode = Node.builder("Conv").name("conv").inputs("x", "w", "bias").outputs("h")
          .attr("pads", 1L, 1L, 1L, 1L);
      feeds = Map.of("x", r(62, -1f, 1f, 2, 3, 9, 8));
    } else {
      b.input(ValueInfo.floatTensor("x", 5, 7)).initializer("w", r(63, -1f, 1f, 7, 6))
          .initializer("bias", r(64, -1f, 1f, 6));
      hostNode = Node.builder("Gemm").name("gemm").inputs("x", "w", "bias").outputs("h");
      feeds = Map.of("x", r(65, -1f, 1f, 5, 7));
    }
    Node.Builder a = Node.builder(act).name("act").inputs("h").outputs("y");
    if (value instanceof Float f) {
      a.attr(attr, f);
    } else if (value instanceof String s) {
      a.attr(attr, s);
    }
    Graph g = b.addNode(hostNode.build()).addNode(a.build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
    Tensor expected = OrtReference.run(g, opset, feeds, List.of("y")).get("y");
    try (CpuExecutable e = (CpuExecutable) cpu.get().compile(g, opset)) {
      assertThat(e.stepCount(feeds, List.of("y"))).as("%s fused into %s", act, host)
          .isEqualTo(1);
      Parity.assertClose(host + " + " + act, expected, e.run(feeds, List.of("y")).get("y"));
    }
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> fusions() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("Conv", "Elu", "alpha", 0.7f, 13L),
        org.junit.jupiter.params.provider.Arguments.of("Conv", "Mish", "", null, 18L),
        org.junit.jupiter.params.provider.Arguments.of("Conv", "Gelu", "approximate", "tanh",
            20L),
        org.junit.jupiter.params.provider.Arguments.of("Conv", "Erf", "", null, 13L),
        org.junit.jupiter.params.provider.Arguments.of("Gemm", "Gelu", "", null, 20L),
        org.junit.jupiter.params.provider.Arguments.of("Gemm", "Softplus", "", null, 13L),
        org.junit.jupiter.params.provider.Arguments.of("Gemm", "Celu", "alpha", 0.5f, 13L));
  }

  /** Sum(x, x, x) and Max(x, y, x): an input read again after the output was written. */
  @Test
  void repeatedInputsAreReadBeforeTheOutputOverwritesThem() {
    for (String op : new String[] {"Sum", "Max", "Mean"}) {
      Graph g = Graph.builder().name("rep").input(ValueInfo.floatTensor("x", 3, 5))
          .input(ValueInfo.floatTensor("z", 3, 5))
          .addNode(Node.builder("Neg").name("neg").inputs("x").outputs("n").build())
          .addNode(Node.builder(op).name("v").inputs("n", "z", "n", "n").outputs("y").build())
          .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
      Map<String, Tensor> feeds = Map.of("x", r(70, -1f, 1f, 3, 5), "z", r(71, -1f, 1f, 3, 5));
      Tensor expected = OrtReference.run(g, 13, feeds, List.of("y")).get("y");
      try (Executable e = cpu.get().compile(g, 13)) {
        Parity.assertClose(op + " with a repeated input", expected,
            e.run(feeds, List.of("y")).get("y"));
      }
    }
  }

  /** Known values of erf and erfc (mpmath, 20 digits). */
  private static final double[][] ERF_TABLE = {
      {0, 0.0, 1.0},
      {0.001, 0.0011283787909692363799, 0.99887162120903076362},
      {-0.001, -0.0011283787909692363799, 1.0011283787909692364},
      {0.1, 0.1124629160182848922, 0.8875370839817151078},
      {0.25, 0.27632639016823693299, 0.72367360983176306701},
      {0.5, 0.52049987781304653768, 0.47950012218695346232},
      {-0.75, -0.7111556336535151316, 1.7111556336535151316},
      {0.9, 0.79690821242283212852, 0.20309178757716787148},
      {1, 0.84270079294971486934, 0.15729920705028513066},
      {-1, -0.84270079294971486934, 1.8427007929497148693},
      {1.0001, 0.84274229954852033069, 0.15725770045147966931},
      {1.5, 0.96610514647531072707, 0.033894853524689272933},
      {2, 0.99532226501895273416, 0.0046777349810472658379},
      {-2.2, -0.99813715370201810856, 1.9981371537020181086},
      {2.5, 0.99959304798255504106, 0.00040695201744495893956},
      {3, 0.99997790950300141456, 0.000022090496998585441373},
      {3.5, 0.99999925690162765859, 7.4309837234141274552e-7},
      {3.9, 0.99999996520775140277, 3.4792248597231742278e-8},
      {4, 0.99999998458274209972, 1.5417257900280018852e-8},
      {5, 0.99999999999846254021, 1.5374597944280348502e-12},
      {5.5, 0.99999999999999264215, 7.3578479179743980631e-15},
      {6, 0.99999999999999997848, 2.1519736712498913117e-17},
      {-6.5, -0.99999999999999999996, 2.0}};

  @Test
  void errorFunctionMatchesKnownValues() {
    for (double[] row : ERF_TABLE) {
      double x = row[0];
      assertThat(ErrorFunction.erf(x)).as("erf(%s)", x).isCloseTo(row[1],
          org.assertj.core.data.Offset.offset(1e-10 + 1e-10 * Math.abs(row[1])));
      assertThat(ErrorFunction.erfc(x)).as("erfc(%s)", x).isCloseTo(row[2],
          org.assertj.core.data.Offset.offset(1e-16 + 1e-9 * row[2]));
    }
    assertThat(ErrorFunction.erf(Double.NaN)).isNaN();
    assertThat(ErrorFunction.erfc(Double.NaN)).isNaN();
    assertThat(ErrorFunction.erf(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
    assertThat(ErrorFunction.erf(Double.NEGATIVE_INFINITY)).isEqualTo(-1.0);
    assertThat(ErrorFunction.erfc(Double.NEGATIVE_INFINITY)).isEqualTo(2.0);
  }

  /** Max error over a fine grid, against Commons Math (accurate to about 1e-15). */
  @Test
  void errorFunctionIsAccurateEverywhere() {
    double worstErf = 0;
    double worstErfcRel = 0;
    for (int i = -70000; i <= 70000; i++) {
      double x = i * 1e-4;
      worstErf = Math.max(worstErf, Math.abs(ErrorFunction.erf(x) - Erf.erf(x)));
      if (x > -5 && x < 5.9) {
        double ref = Erf.erfc(x);
        worstErfcRel = Math.max(worstErfcRel, Math.abs(ErrorFunction.erfc(x) - ref) / ref);
      }
    }
    assertThat(worstErf).as("max |erf error|").isLessThan(2e-10);
    assertThat(worstErfcRel).as("max erfc relative error").isLessThan(2e-9);
  }

  /** The Erf kernel's float output is within one float ulp of the true value. */
  @Test
  void erfKernelIsWithinOneUlp() {
    float[] x = new float[ERF_TABLE.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) ERF_TABLE[i][0];
    }
    OpCase c = OpCase.of("erf table", 13, "Erf").input("x", Tensor.of(new int[] {x.length}, x));
    try (Executable e = cpu.get().compile(c.graph(), 13)) {
      float[] y = e.run(c.feeds, List.of("y")).get("y").toFloatArray();
      for (int i = 0; i < x.length; i++) {
        float ref = (float) ERF_TABLE[i][1];
        assertThat(Math.abs(y[i] - ref)).as("erf(%s)", x[i]).isLessThanOrEqualTo(Math.ulp(ref));
      }
    }
  }

  @Test
  void geluRejectsAnUnknownApproximation() {
    OpCase c = OpCase.of("gelu fast", 20, "Gelu").input("x", 3, 4).string("approximate", "fast");
    assertThatThrownBy(() -> run(c)).isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("Gelu node 'node'").hasMessageContaining("fast");
  }

  @Test
  void malformedNodesNameTheNode() {
    OpCase pow3 = OpCase.of("pow 3 inputs", 13, "Pow").input("x", 3).input("e", 3)
        .input("z", 3);
    assertThatThrownBy(() -> run(pow3)).isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("Pow node 'node'").hasMessageContaining("3 inputs");
    OpCase sum0 = OpCase.of("sum of nothing", 13, "Sum").input("x", 3).skip();
    assertThatThrownBy(() -> run(sum0)).isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("Sum node 'node'").hasMessageContaining("input 1 is empty");
    OpCase badMax = OpCase.of("max 3 vs 4", 13, "Max").input("a", 2, 3).input("b", 3)
        .input("c", 4);
    assertThatThrownBy(() -> run(badMax)).isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("Max node 'node'").hasMessageContaining("broadcast");
    OpCase exp2 = OpCase.of("exp 2 inputs", 13, "Exp").input("x", 3).input("z", 3);
    assertThatThrownBy(() -> run(exp2)).isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("Exp node 'node'").hasMessageContaining("2 inputs");
  }

  /** Shape arithmetic folds Max/Min of int64 vectors through the same kernels, exactly. */
  @Test
  void int64ShapeVectorsFoldExactly() {
    Node max = Node.builder("Max").name("m").inputs("a", "b", "c").outputs("y").build();
    Tensor[] out = NodeEvaluator.evaluate(max, new Tensor[] {
        Tensor.ofLongs(new int[] {3}, new long[] {4, -7, 1 << 20}),
        Tensor.ofLongs(new int[] {1}, new long[] {3}),
        Tensor.ofLongs(new int[] {3}, new long[] {5, -9, 2})}, 18);
    assertThat(out[0].isFloat()).isFalse();
    assertThat(out[0].toLongArray()).containsExactly(5, 3, 1 << 20);
  }

  /** Compiles and runs a case on the CPU backend only. */
  private static Tensor run(OpCase c) {
    try (Executable e = cpu.get().compile(c.graph(), c.opset)) {
      return e.run(c.feeds, List.of("y")).get("y");
    }
  }

  /** Constant folding evaluates Pow through the same kernel (int64 exponent included). */
  @Test
  void constantPowFoldsExactly() {
    Node pow = Node.builder("Pow").name("p").inputs("a", "b").outputs("c").build();
    Tensor[] out = NodeEvaluator.evaluate(pow, new Tensor[] {
        values(new int[] {2, 3}, -2f, -1.5f, 0f, 1f, 2f, 3f),
        Tensor.ofLongs(new int[] {3}, new long[] {3, 2, 0})}, 13);
    assertThat(out[0].shape()).containsExactly(2, 3);
    assertThat(out[0].toFloatArray()).containsExactly(-8f, 2.25f, 1f, 1f, 4f, 1f);
  }

  @Test
  void variadicShapesBroadcastTogether() {
    Node max = Node.builder("Max").name("m").inputs("a", "b", "c").outputs("y").build();
    int[][] out = ShapeInference.outputShapes(max, new int[][] {{-1, 3}, {4, 1}, {3}},
        new Tensor[3]);
    assertThat(out[0]).containsExactly(4, 3);
    Node one = Node.builder("Mean").name("m").inputs("a").outputs("y").build();
    assertThat(ShapeInference.outputShapes(one, new int[][] {{2, 5}}, new Tensor[1])[0])
        .containsExactly(2, 5);
  }

  private static Tensor r(long seed, float lo, float hi, int... shape) {
    return Parity.random(seed, lo, hi, shape);
  }

  private static Tensor values(int[] shape, float... v) {
    return Tensor.of(shape, v);
  }

  private static Tensor longScalar(long v) {
    return Tensor.ofLongs(new int[0], new long[] {v});
  }

  /** Multiples of 0.5 in [-6, 6], exact halves and zeros included. */
  private static Tensor halves(long seed, int... shape) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextInt(-12, 13) * 0.5f;
    }
    return Tensor.of(shape, v);
  }
}

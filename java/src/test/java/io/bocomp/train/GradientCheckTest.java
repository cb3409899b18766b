package io.bocomp.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.ModelLoader;
import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.testing.OpNets;
import io.bocomp.testing.SeededWeights;
import io.bocomp.testing.TestNets;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's gradient against finite differences: the op nets of the engine's conformance suite
 * (every op training supports, with its awkward attributes), small ResNet and MobileNet-style nets
 * (residual Add, depthwise groups, global pooling), and random shapes for Conv, Gemm and pooling.
 */
class GradientCheckTest {
  /** Op nets training refuses: ConvTranspose, and layouts that move the batch dimension. */
  private static final Set<String> REFUSED =
      Set.of("convtranspose_globalmaxpool_squeeze", "gemm_softmax", "flatten_reshape");

  static Stream<Arguments> opNets() {
    return OpNets.all(7).entrySet().stream()
        .filter(e -> !REFUSED.contains(e.getKey()))
        .map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("opNets")
  void opNetGradientsMatchFiniteDifferences(String name, Model m) {
    assertThat(GradCheck.check(m, 3, 11)).contains("input");
  }

  @ParameterizedTest(name = "{0} prepared")
  @MethodSource("opNets")
  void preparedOpNetGradientsMatchFiniteDifferences(String name, Model m) {
    assertThat(GradCheck.check(ModelLoader.prepare(m), 2, 12)).contains("input");
  }

  @Test
  void residualAndDepthwiseNets() {
    GradCheck.check(ModelLoader.prepare(TestNets.resnet18(16, 4, 5, 3)), 2, 5);
    GradCheck.check(ModelLoader.prepare(TestNets.mobileNetStyle(16, 3)), 2, 6);
  }

  @Test
  void defaultModelGradients() {
    assertThat(GradCheck.check(ModelLoader.loadDefault(), 2, 9)).hasSize(17);
  }

  @Property(tries = 12)
  void convWithRandomGeometry(@ForAll @IntRange(min = 1, max = 3) int groups,
      @ForAll @IntRange(min = 1, max = 3) int cPerGroup, @ForAll @IntRange(min = 1, max = 3) int mPerGroup,
      @ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 0, max = 2) int pad, @ForAll @IntRange(min = 1, max = 2) int dilation,
      @ForAll @IntRange(min = 3, max = 9) int size, @ForAll @IntRange(min = 1, max = 4) int batch) {
    int extent = (k - 1) * dilation + 1;
    if (size + 2 * pad < extent) {
      return;
    }
    SeededWeights r = new SeededWeights(size * 31L + k);
    GraphBuilder b = new GraphBuilder("conv");
    String x = b.input("input", -1, groups * cPerGroup, size, size + 1);
    x = b.conv("c", x, r.normal(0.5, groups * mPerGroup, cPerGroup, k, k),
        r.normal(0.1, groups * mPerGroup), new long[] {stride, stride}, new long[] {pad, pad, pad, pad},
        new long[] {dilation, dilation}, groups);
    b.output(b.tanh(x));
    GradCheck.check(b.buildModel(), batch, size);
  }

  /**
   * Convolutions on the direct kernel's and the depthwise loops' paths, listed rather than drawn so
   * every one runs (the last four are depthwise: stride 1 and 2, dilation, an even kernel, 1×1): groups
   * with more than 4 channels each (9 and 17 output channels reach a 16-wide block), pads chosen
   * per side (the input gradient derives its own per side, or falls back to col2im when a pad
   * exceeds {@code dilation·(k−1)}), dilation, an even kernel, a padded 1×1 and stride 2 (forward
   * on the kernel, input gradient by col2im).
   */
  @ParameterizedTest(name = "groups {0}, {1}->{2} per group, k {3}, stride {4}, pads {5} {6} {7} {8}, dilation {9}")
  @CsvSource({
      "2, 5, 9, 3, 1, 1, 0, 2, 1, 1",
      "3, 6, 5, 3, 1, 0, 2, 1, 0, 2",
      "2, 5, 6, 2, 1, 0, 1, 1, 0, 1",
      "1, 6, 17, 3, 1, 2, 2, 0, 1, 1",
      "2, 5, 9, 3, 2, 1, 1, 1, 1, 1",
      "3, 5, 5, 1, 1, 1, 0, 0, 1, 1",
      "2, 6, 9, 3, 1, 3, 0, 0, 3, 1",
      "1, 5, 9, 3, 1, 1, 1, 1, 1, 2",
      "4, 1, 1, 3, 1, 1, 0, 2, 1, 1",
      "3, 1, 1, 3, 2, 1, 1, 0, 1, 2",
      "5, 1, 1, 2, 1, 0, 1, 1, 0, 1",
      "2, 1, 1, 1, 1, 0, 0, 0, 0, 1"})
  void convOnTheDirectKernel(int groups, int cPerGroup, int mPerGroup, int k, int stride, int top,
      int left, int bottom, int right, int dilation) {
    SeededWeights r = new SeededWeights(groups * 131L + cPerGroup * 17L + mPerGroup + k);
    GraphBuilder b = new GraphBuilder("direct_conv");
    String x = b.input("input", -1, groups * cPerGroup, 6, 7);
    x = b.conv("c", x, r.normal(0.3, groups * mPerGroup, cPerGroup, k, k),
        r.normal(0.1, groups * mPerGroup), new long[] {stride, stride},
        new long[] {top, left, bottom, right}, new long[] {dilation, dilation}, groups);
    b.output(b.tanh(x));
    GradCheck.check(b.buildModel(), 2, groups + k + top);
  }

  /** A depthwise convolution whose Relu it applies itself (the fused output and gradient mask). */
  @Test
  void depthwiseConvWithFusedRelu() {
    SeededWeights r = new SeededWeights(21);
    GraphBuilder b = new GraphBuilder("depthwise_relu");
    String x = b.input("input", -1, 4, 7, 6);
    x = b.relu(b.conv("dw", x, r.normal(0.5, 4, 1, 3, 3), r.normal(0.2, 4), 1, 1, 4));
    b.output(b.tanh(b.conv("pw", x, r.normal(0.5, 3, 4, 1, 1), null, 1, 0, 1)));
    assertThat(GradCheck.check(b.buildModel(), 2, 4)).contains("dw.weight", "input");
  }

  @Property(tries = 8)
  void gemmWithRandomShapes(@ForAll @IntRange(min = 1, max = 9) int in,
      @ForAll @IntRange(min = 1, max = 9) int out, @ForAll boolean transB,
      @ForAll @IntRange(min = 1, max = 5) int batch) {
    SeededWeights r = new SeededWeights(in * 13L + out);
    GraphBuilder b = new GraphBuilder("gemm");
    String x = b.input("input", -1, in);
    Tensor w = transB ? r.normal(0.5, out, in) : r.normal(0.5, in, out);
    b.output(b.sigmoid(b.gemm("fc", x, w, r.normal(0.1, out), transB)));
    GradCheck.check(b.buildModel(), batch, in);
  }

  @Property(tries = 8)
  void poolsWithRandomShapes(@ForAll @IntRange(min = 1, max = 3) int k,
      @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 3, max = 8) int size,
      @ForAll boolean max) {
    SeededWeights r = new SeededWeights(k * 7L + size);
    GraphBuilder b = new GraphBuilder("pool");
    String x = b.input("input", -1, 2, size, size);
    x = b.conv("c", x, r.normal(0.5, 3, 2, 1, 1), null, 1, 0, 1);
    x = max ? b.maxPool(x, k, stride, k / 2) : b.averagePool(x, k, stride, k / 2);
    b.output(x);
    GradCheck.check(b.buildModel(), 2, size);
  }

  /**
   * Finite differences cannot see ties; the 2x2/2 max-pool path must route each window's gradient
   * to its first maximum (row-major), as the general loop, ONNX Runtime and PyTorch pick, and
   * ignore the odd last row and column.
   */
  @Test
  void maxPoolRoutesTiesToTheFirstMaximum() {
    GraphBuilder b = new GraphBuilder("pool_ties");
    b.output(b.maxPool(b.input("input", -1, 1, 5, 5), 2, 2, 0));
    TrainingGraph g = TrainingGraph.compile(b.buildModel(), false, true);
    float[] x = {
        1, 1, 0, 2, 9,
        1, 1, 2, 2, 9,
        0, 3, 5, 4, 9,
        3, 3, 5, 5, 9,
        9, 9, 9, 9, 9};
    Workspace w = g.newWorkspace();
    float[] y = new float[4];
    g.forward(w, Tensor.of(new int[] {1, 1, 5, 5}, x), 0, 1).get(0, y);
    assertThat(y).containsExactly(1, 2, 3, 5);
    w.zeroGrads();
    w.grad[g.outputSlot()].put(0, new float[] {10, 20, 30, 40});
    g.backward(w);
    float[] dx = new float[25];
    w.grad[0].get(0, dx);
    float[] want = new float[25];
    want[0] = 10;
    want[3] = 20;
    want[11] = 30;
    want[12] = 40;
    assertThat(dx).containsExactly(want);
  }

  @Test
  void unsupportedOpNamesTheNode() {
    Model m = OpNets.all(7).get("convtranspose_globalmaxpool_squeeze");
    assertThatThrownBy(() -> TrainingGraph.compile(m, true))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("(op ConvTranspose) is not supported by fine-tuning");
  }

  @Test
  void opsThatMoveTheBatchAreRefused() {
    for (String name : List.of("gemm_softmax", "flatten_reshape")) {
      Model m = OpNets.all(7).get(name);
      assertThatThrownBy(() -> TrainingGraph.compile(m, true)).as(name)
          .isInstanceOf(UnsupportedOperatorException.class)
          .hasMessageContaining("batch");
    }
  }

  @Test
  void gemmSoftmaxWithoutTranspose() {
    SeededWeights r = new SeededWeights(3);
    GraphBuilder b = new GraphBuilder("gemm_softmax_batch_first");
    String x = b.input("input", -1, 6);
    x = b.op("Gemm", x, b.constant("w", r.normal(0.5, 6, 5)), b.constant("c", r.normal(0.1, 5)))
        .attr("alpha", 0.7f).attr("beta", 1.3f).out();
    b.output(b.softmax(b.tanh(x), -1));
    assertThat(GradCheck.check(b.buildModel(), 4, 2)).containsExactly("w", "c", "input");
  }
}

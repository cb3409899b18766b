package io.bocomp.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.testing.OrtReference;
import io.bocomp.testing.SeededWeights;
import io.bocomp.testing.TestNets;
import org.junit.jupiter.api.Test;

/**
 * BatchNormalization folding is exact: ONNX Runtime gives the same outputs (1e-5 relative) for the
 * original graph and the folded one, on random inputs, for convs with groups 1, 2 and depthwise,
 * with and without bias, and for Gemm with transB 0/1, alpha/beta and every broadcast form of C.
 */
class BatchNormFoldingTest {
  private static final double TOLERANCE = 1e-5;

  private static Model convBn(int group, boolean bias, long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("conv_bn");
    String x = b.input("input", -1, 8, 7, 7);
    x = b.conv("conv", x, r.conv(8, 8 / group, 3, 3), bias ? r.normal(0.3, 8) : null, 1, 1, group);
    Tensor[] p = r.batchNorm(8, 0.5, 2.0);
    x = b.batchNorm("bn", x, p[0], p[1], p[2], p[3], 1e-3f);
    b.output(b.relu(x));
    return b.buildModel();
  }

  private static Model gemmBn(boolean transB, int[] cShape, float alpha, float beta, long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("gemm_bn");
    String x = b.input("input", -1, 12);
    Tensor w = transB ? r.he(12, 6, 12) : r.he(12, 12, 6);
    String c = cShape == null ? "" : b.constant("c", r.normal(0.5, cShape));
    x = b.op("Gemm", x, b.constant("w", w), c).name("fc").attr("transB", transB ? 1 : 0)
        .attr("alpha", alpha).attr("beta", beta).out();
    Tensor[] p = r.batchNorm(6, 0.5, 2.0);
    b.output(b.batchNorm("bn", x, p[0], p[1], p[2], p[3], 1e-5f));
    return b.buildModel();
  }

  private static Model fold(Model m) {
    return GraphOptimizer.standard().apply(m);
  }

  private static long count(Model m, String op) {
    return m.graph().nodes().stream().filter(n -> n.opType().equals(op)).count();
  }

  @Test
  void convWithGroupsOneTwoAndDepthwiseFoldsExactly() {
    int[][] cases = {{1, 1}, {1, 0}, {2, 1}, {8, 0}, {8, 1}}; // {group, bias}
    for (int[] c : cases) {
      Model m = convBn(c[0], c[1] == 1, 10 + c[0]);
      Model f = fold(m);
      assertThat(count(f, "BatchNormalization")).isZero();
      Node conv = f.graph().node("conv").orElseThrow();
      assertThat(conv.outputs()).containsExactly("bn");
      assertThat(conv.inputs()).hasSize(3);
      assertThat(f.graph().initializers()).doesNotContainKeys("bn.scale", "bn.mean", "bn.var");
      for (int batch : new int[] {1, 3}) {
        assertThat(OrtReference.compare(f, m, batch, 5)).as("group %d bias %d", c[0], c[1])
            .isLessThan(TOLERANCE);
      }
    }
  }

  @Test
  void gemmWithEveryFormOfCFoldsExactly() {
    int[][] cShapes = {null, {6}, {1, 6}, {}, {1}, {1, 1}};
    for (boolean transB : new boolean[] {false, true}) {
      for (int[] cs : cShapes) {
        Model m = gemmBn(transB, cs, 0.7f, cs == null ? 1f : 1.3f, 3);
        Model f = fold(m);
        assertThat(count(f, "BatchNormalization")).isZero();
        Node fc = f.graph().node("fc").orElseThrow();
        assertThat(fc.floatAttr("beta", 0f)).isEqualTo(1f);
        assertThat(fc.floatAttr("alpha", 0f)).isEqualTo(0.7f);
        assertThat(OrtReference.compare(f, m, 4, 6))
            .as("transB %s C %s", transB, java.util.Arrays.toString(cs)).isLessThan(TOLERANCE);
      }
    }
  }

  @Test
  void theInputGraphIsNeverModified() {
    Model m = convBn(1, true, 1);
    Tensor w = m.graph().initializer("conv.weight").copy();
    Tensor bias = m.graph().initializer("conv.bias").copy();
    Model f = fold(m);
    assertThat(f.graph()).isNotSameAs(m.graph());
    assertThat(count(m, "BatchNormalization")).isEqualTo(1);
    assertThat(m.graph().initializer("conv.weight").contentEquals(w)).isTrue();
    assertThat(m.graph().initializer("conv.bias").contentEquals(bias)).isTrue();
    assertThat(f.graph().initializer("conv.weight").contentEquals(w)).as("replaced, same name").isFalse();
  }

  @Test
  void sharedWeightsAreCopiedUnderFreshNames() {
    SeededWeights r = new SeededWeights(2);
    GraphBuilder b = new GraphBuilder("shared");
    String x = b.input("input", -1, 4, 5, 5);
    String w = b.constant("w", r.conv(4, 4, 3, 3));
    String c1 = b.op("Conv", x, w).name("c1").attr("pads", 1L, 1L, 1L, 1L).out();
    String c2 = b.op("Conv", x, w).name("c2").attr("pads", 1L, 1L, 1L, 1L).out();
    Tensor[] p = r.batchNorm(4, 0.5, 2);
    Tensor[] q = r.batchNorm(4, 0.5, 2);
    b.output(b.add(b.batchNorm("bn1", c1, p[0], p[1], p[2], p[3], 1e-5f),
        b.batchNorm("bn2", c2, q[0], q[1], q[2], q[3], 1e-5f)));
    Model m = b.buildModel();
    Model f = fold(m);
    assertThat(count(f, "BatchNormalization")).isZero();
    String w1 = f.graph().node("c1").orElseThrow().input(1);
    String w2 = f.graph().node("c2").orElseThrow().input(1);
    assertThat(w1).isNotEqualTo("w").isNotEqualTo(w2);
    assertThat(OrtReference.compare(f, m, 2, 7)).isLessThan(TOLERANCE);
  }

  @Test
  void unsafeCasesAreLeftAlone() {
    SeededWeights r = new SeededWeights(3);
    // the conv output is also read by another node
    GraphBuilder b = new GraphBuilder("two_readers");
    String x = b.input("input", -1, 4, 5, 5);
    String c = b.conv("conv", x, r.conv(4, 4, 1, 1), null, 1, 0, 1);
    Tensor[] p = r.batchNorm(4, 0.5, 2);
    b.output(b.add(b.batchNorm("bn", c, p[0], p[1], p[2], p[3], 1e-5f), c));
    Model twoReaders = b.buildModel();
    assertThat(count(fold(twoReaders), "BatchNormalization")).isEqualTo(1);

    // the BN scale is a runtime input, not a constant
    GraphBuilder b2 = new GraphBuilder("runtime_scale");
    String x2 = b2.input("input", -1, 4, 5, 5);
    String scale = b2.input("scale", 4);
    String c2 = b2.conv("conv", x2, r.conv(4, 4, 1, 1), null, 1, 0, 1);
    b2.output(b2.op("BatchNormalization", c2, scale, b2.constant("b", p[1]), b2.constant("m", p[2]),
        b2.constant("v", p[3])).out());
    assertThat(count(fold(b2.buildModel()), "BatchNormalization")).isEqualTo(1);

    // a BN after something that is not a Conv/Gemm
    assertThat(count(fold(io.bocomp.testing.OpNets.batchNormClipHardSwish(1)), "BatchNormalization"))
        .isEqualTo(1);
  }

  @Test
  void wholeNetworksFoldEveryBatchNormAndKeepLayerNames() {
    for (Model m : new Model[] {TestNets.resnet18Shaped(32, 1), TestNets.mobileNetStyle(32, 2),
        TestNets.pytorchFlatten(8, 17, 3)}) {
      Model f = fold(m);
      assertThat(count(f, "BatchNormalization")).as(m.graph().name()).isZero();
      assertThat(count(f, "Conv")).isEqualTo(count(m, "Conv"));
      for (Node n : m.graph().nodes()) {
        if (n.opType().equals("Conv")) {
          assertThat(f.graph().node(n.name())).as(n.name()).isPresent();
        }
      }
      assertThat(OrtReference.compare(f, m, 3, 9)).as(m.graph().name()).isLessThan(TOLERANCE);
    }
  }
}

package io.bocomp.model.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Attribute;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.OrtReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Older opsets' op forms become the canonical (opset 18) ones: the rewritten graph computes what
 * ONNX Runtime computes for the original at its own opset, and the canonical model, exported at
 * opset 18, loads and gives the same outputs in ONNX Runtime.
 */
class OpsetFormsTest {

  /** x [2, 3, 4] through the forms that changed: Clip attrs, Squeeze/Unsqueeze attrs, Softmax. */
  private static Graph opset10Graph() {
    return Graph.builder().name("legacy")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, new int[] {2, 3, 4}, null))
        .addNode(Node.builder("Clip").name("clip").inputs("x").outputs("c")
            .attr("min", -0.5f).attr("max", 0.7f).build())
        .addNode(Node.builder("Unsqueeze").name("unsq").inputs("c").outputs("u")
            .attr("axes", Attribute.ofInts(new long[] {1})).build())
        .addNode(Node.builder("Squeeze").name("sq").inputs("u").outputs("s")
            .attr("axes", Attribute.ofInts(new long[] {1})).build())
        .addNode(Node.builder("Softmax").name("sm_mid").inputs("s").outputs("p")
            .attr("axis", 1L).build())
        .addNode(Node.builder("Clip").name("clip_hi").inputs("p").outputs("q")
            .attr("max", 0.04f).build())
        .addNode(Node.builder("Dropout").name("drop").inputs("q").outputs("d")
            .attr("ratio", 0.3f).build())
        .addNode(Node.builder("Softmax").name("sm_last").inputs("d").outputs("y")
            .attr("axis", 2L).build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
  }

  @Test
  void olderFormsAreRewrittenIntoTheCanonicalOnes() {
    Graph c = OpsetForms.canonical(opset10Graph(), 10);
    Node clip = node(c, "clip");
    assertThat(clip.hasAttribute("min")).isFalse();
    assertThat(c.initializer(clip.input(1)).get(0)).isEqualTo(-0.5f);
    assertThat(c.initializer(clip.input(2)).get(0)).isEqualTo(0.7f);
    Node clipHi = node(c, "clip_hi");
    assertThat(clipHi.inputs()).hasSize(3);
    assertThat(clipHi.input(1)).isEmpty();
    assertThat(c.initializer(node(c, "unsq").input(1)).toLongArray()).containsExactly(1);
    assertThat(c.initializer(node(c, "sq").input(1)).toLongArray()).containsExactly(1);
    assertThat(node(c, "drop").hasAttribute("ratio")).isFalse();
    // the last axis keeps one node; a middle axis becomes Flatten, Softmax(-1), Reshape back
    assertThat(node(c, "sm_last").intAttr("axis", 0)).isEqualTo(-1);
    assertThat(c.nodes()).extracting(Node::opType).containsSubsequence("Flatten", "Softmax",
        "Shape", "Reshape");
    assertThat(OpsetForms.canonical(c, 18)).isSameAs(c);
  }

  @Test
  void theRewrittenGraphComputesWhatOnnxRuntimeComputesForTheOriginal() {
    Graph g = opset10Graph();
    Tensor x = Parity.random(7, 2, 3, 4);
    Tensor expected = OrtReference.run(g, 10, x);
    try (CpuBackend cpu = new CpuBackend(1); Executable e = cpu.compile(g, 10)) {
      Parity.assertClose("opset 10 on the CPU", expected, e.run(Map.of("x", x), List.of("y"))
          .get("y"));
    }
    Model canonical = OpsetForms.canonical(new Model(g, 6, Map.of("", 10L), "test", null));
    assertThat(canonical.opset()).isEqualTo(18);
    assertThat(canonical.irVersion()).isEqualTo(8);
    try (OrtReference ort = new OrtReference(OnnxExporter.toBytes(canonical))) {
      Parity.assertClose("canonical model in ONNX Runtime", expected,
          ort.run(Map.of("x", x), List.of("y")).get("y"));
    }
  }

  @Test
  void opset13SoftmaxIsAlreadyCanonical() {
    Graph g = Graph.builder()
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, new int[] {2, 3, 4}, null))
        .addNode(Node.builder("Softmax").name("sm").inputs("x").outputs("y").attr("axis", 1L)
            .build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
    assertThat(OpsetForms.canonical(g, 13)).isSameAs(g);
  }

  @Test
  void formsWithoutACanonicalEquivalentAreRefusedNamingTheNode() {
    Graph g = Graph.builder()
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, new int[] {2, 3}, null))
        .initializer("s", Tensor.of(new int[] {3}, new float[] {1, 1, 1}))
        .initializer("b", Tensor.of(new int[] {3}, new float[] {0, 0, 0}))
        .addNode(Node.builder("BatchNormalization").name("bn").inputs("x", "s", "b", "b", "s")
            .outputs("y").attr("spatial", 0L).build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
    assertThatThrownBy(() -> OpsetForms.canonical(g, 7))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("node 'bn'").hasMessageContaining("spatial=0");
  }

  private static Node node(Graph g, String name) {
    return g.node(name).orElseThrow();
  }
}

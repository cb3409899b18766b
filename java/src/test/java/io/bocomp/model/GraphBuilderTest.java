package io.bocomp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GraphBuilderTest {

  @Test
  void namesLayersTheirWeightsAndClashes() {
    GraphBuilder b = new GraphBuilder("g");
    String x = b.input("input", -1, 2, 4, 4);
    String c1 = b.conv("conv", x, Tensor.zeros(3, 2, 1, 1), Tensor.zeros(3), 1, 0, 1);
    String c2 = b.conv("conv", c1, Tensor.zeros(3, 3, 1, 1), null, 1, 0, 1);
    String r = b.relu(c2);
    b.output(r);
    Graph g = b.build();
    assertThat(c1).isEqualTo("conv");
    assertThat(c2).isEqualTo("conv_1");
    assertThat(r).isEqualTo("Relu_2");
    assertThat(g.initializers()).containsOnlyKeys("conv.weight", "conv.bias", "conv_1.weight");
    Node conv = g.node("conv").orElseThrow();
    assertThat(conv.intsAttr("kernel_shape", null)).containsExactly(1, 1);
    assertThat(conv.intsAttr("pads", null)).containsExactly(0, 0, 0, 0);
    assertThat(g.inputs().get(0).dimParam(0)).isEqualTo("N");
    assertThat(TopologicalOrder.sort(g.nodes(), java.util.List.of("input", "conv.weight",
        "conv.bias", "conv_1.weight"), java.util.List.of(r))).isEqualTo(g.nodes());
  }

  @Test
  void followsTheOpsetsConventions() {
    GraphBuilder old = new GraphBuilder("old", 10);
    String x = old.input("x", 4);
    old.output(old.unsqueeze(old.clip(x, 0f, 6f), 0));
    Graph g = old.build();
    assertThat(g.nodes().get(0).hasAttribute("min")).isTrue();
    assertThat(g.nodes().get(1).intsAttr("axes", null)).containsExactly(0);
    assertThat(old.buildModel().opset()).isEqualTo(10);
    assertThatThrownBy(() -> old.hardSwish(x)).hasMessageContaining("opset 14");

    GraphBuilder now = new GraphBuilder("new");
    String y = now.input("x", 4);
    now.output(now.unsqueeze(now.clip(y, 0f, 6f), 0));
    assertThat(now.build().nodes().get(0).inputs()).hasSize(3);
    assertThat(now.build().nodes().get(1).inputs()).hasSize(2);
  }

  @Test
  void readingAValueThatDoesNotExistIsAProgrammingError() {
    GraphBuilder b = new GraphBuilder("g");
    assertThatThrownBy(() -> b.relu("ghost"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ghost'");
  }
}

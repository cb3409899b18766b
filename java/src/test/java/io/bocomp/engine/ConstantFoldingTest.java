package io.bocomp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.MnistNets;
import io.bocomp.testing.OrtReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstantFoldingTest {

  private static List<String> ops(Graph g) {
    return g.nodes().stream().map(Node::opType).toList();
  }

  @Test
  void rewritesThePyTorchFlattenIdiomToAConstantReshape() {
    Graph g = MnistNets.smallCnn(21, false, true);
    int before = g.nodes().size();
    Graph f = ConstantFolding.fold(g, 14);

    assertThat(ops(g)).contains("Shape", "Gather", "Unsqueeze", "Concat");
    assertThat(g.nodes()).as("input graph untouched").hasSize(before);
    assertThat(ops(f)).doesNotContain("Shape", "Gather", "Unsqueeze", "Concat");
    Node reshape = f.nodes().stream().filter(n -> n.opType().equals("Reshape")).findFirst()
        .orElseThrow();
    Tensor target = f.initializer(reshape.input(1));
    assertThat(target).isNotNull();
    assertThat(target.toLongArray()).containsExactly(0, -1);
    assertThat(reshape.input(0)).isEqualTo(
        g.nodes().stream().filter(n -> n.opType().equals("Reshape")).findFirst().orElseThrow()
            .input(0));

    for (int batch : new int[] {1, 6}) {
      Tensor x = Parity.random(batch, batch, 1, 28, 28);
      Tensor ortBefore = OrtReference.run(g, 14, x);
      Tensor ortAfter = OrtReference.run(f, 14, x);
      Parity.assertClose("ORT before/after folding, batch " + batch, ortBefore, ortAfter);
      try (CpuBackend b = new CpuBackend(2); Executable e = b.compile(f, 14)) {
        Parity.assertClose("engine on the folded graph, batch " + batch, ortBefore, e.run(x));
      }
    }
  }

  @Test
  void evaluatesConstantSubgraphsIntoInitializers() {
    Tensor w = Tensor.of(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
    Graph g = Graph.builder()
        .input(ValueInfo.floatTensor("x", 4, 3))
        .initializer("w", w)
        .addNode(Node.builder("Constant").name("two").outputs("k")
            .attr("value", io.bocomp.model.Attribute.ofTensor(Tensor.scalar(2f))).build())
        .addNode(Node.builder("Mul").name("scale").inputs("w", "k").outputs("w2").build())
        .addNode(Node.builder("Transpose").name("t").inputs("w2").outputs("w2t").build())
        .addNode(Node.builder("MatMul").name("mm").inputs("x", "w2t").outputs("y").build())
        .output(ValueInfo.floatTensor("y", 4, 2))
        .build();
    Graph f = ConstantFolding.fold(g, 13);
    assertThat(ops(f)).containsExactly("MatMul");
    assertThat(f.initializers()).containsOnlyKeys("w2t");
    assertThat(f.initializer("w2t").shape()).containsExactly(3, 2);
    assertThat(f.initializer("w2t").toFloatArray()).containsExactly(2, 8, 4, 10, 6, 12);
    Tensor x = Parity.random(3, 4, 3);
    Parity.assertClose("folded vs original in ORT", OrtReference.run(g, 13, x),
        OrtReference.run(f, 13, x));
  }

  @Test
  void replacesShapeOfAStaticShapeAndDropsDeadNodes() {
    Graph g = Graph.builder()
        .input(ValueInfo.floatTensor("x", 2, 3, 4))
        .initializer("one", Tensor.ofLongs(new int[] {1}, new long[] {1}))
        .initializer("eight", Tensor.ofLongs(new int[] {1}, new long[] {8}))
        .addNode(Node.builder("Shape").name("s").inputs("x").outputs("shape").build())
        .addNode(Node.builder("Gather").name("g").inputs("shape", "one").outputs("d")
            .attr("axis", 0L).build())
        .addNode(Node.builder("Relu").name("unused").inputs("x").outputs("dead").build())
        .addNode(Node.builder("Concat").name("c").inputs("d", "eight").outputs("dd")
            .attr("axis", 0L).build())
        .addNode(Node.builder("Reshape").name("r").inputs("x", "dd").outputs("y").build())
        .output(ValueInfo.floatTensor("y", 3, 8))
        .build();
    Graph f = ConstantFolding.fold(g, 13);
    assertThat(ops(f)).containsExactly("Reshape");
    assertThat(f.initializer(f.nodes().get(0).input(1)).toLongArray()).containsExactly(3, 8);
    assertThat(f.initializers()).doesNotContainKeys("one", "eight");
    Tensor x = Parity.random(5, 2, 3, 4);
    Parity.assertClose("folded vs original in ORT", OrtReference.run(g, 13, x),
        OrtReference.run(f, 13, x));
  }

  @Test
  void leavesRuntimeDependentShapesAlone() {
    // Reshape(x, [dim1 of x, -1]) at position 0 cannot become a "copy" (0) element.
    Graph g = Graph.builder()
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, new int[] {-1, -1, 4}, null))
        .initializer("i1", Tensor.ofLongs(new int[] {1}, new long[] {1}))
        .initializer("m1", Tensor.ofLongs(new int[] {1}, new long[] {-1}))
        .addNode(Node.builder("Shape").name("s").inputs("x").outputs("shape").build())
        .addNode(Node.builder("Gather").name("g").inputs("shape", "i1").outputs("d1")
            .attr("axis", 0L).build())
        .addNode(Node.builder("Concat").name("c").inputs("d1", "m1").outputs("target")
            .attr("axis", 0L).build())
        .addNode(Node.builder("Reshape").name("r").inputs("x", "target").outputs("y").build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null))
        .build();
    Graph f = ConstantFolding.fold(g, 13);
    assertThat(ops(f)).containsExactly("Shape", "Gather", "Concat", "Reshape");
    Tensor x = Parity.random(4, 2, 5, 4);
    try (CpuBackend b = new CpuBackend(1); Executable e = b.compile(f, 13)) {
      Tensor y = e.run(Map.of("x", x), List.of("y")).get("y");
      assertThat(y.shape()).containsExactly(5, 8);
      Parity.assertClose("still runs", OrtReference.run(g, 13, x), y);
    }
  }
}

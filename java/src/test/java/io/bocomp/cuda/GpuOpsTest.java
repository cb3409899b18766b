package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Compiling for the GPU validates on the host (no device needed): unsupported operators and
 * attributes are refused naming the node, and per-run shape inference follows ONNX, including
 * SAME padding, asymmetric pads, Flatten and Reshape with 0/-1.
 */
class GpuOpsTest {

  @Test
  void shapesFollowTheGraphAtAnyBatchSize() {
    Graph g = TestNetworks.cnn();
    List<GpuOp> ops = GpuOps.compile(g);
    for (int batch : new int[] {1, 7}) {
      Map<String, int[]> shapes = new HashMap<>();
      shapes.put(TestNetworks.INPUT, new int[] {batch, 3, 17, 13});
      for (int i = 0; i < ops.size(); i++) {
        Node n = g.nodes().get(i);
        int[][] in = new int[n.inputs().size()][];
        for (int k = 0; k < in.length; k++) {
          String v = n.input(k);
          in[k] = g.isInitializer(v) ? g.initializer(v).shape() : shapes.get(v);
        }
        shapes.put(n.output(0), ops.get(i).outputShape(in));
      }
      Map<String, Tensor> ref = CpuReference.run(g,
          Map.of(TestNetworks.INPUT, Tensor.zeros(batch, 3, 17, 13)));
      for (Node n : g.nodes()) {
        assertThat(shapes.get(n.output(0))).as(n.label()).containsExactly(ref.get(n.output(0)).shape());
      }
      assertThat(shapes.get("p1")).containsExactly(batch, 8, 5, 3);
      assertThat(shapes.get("c3")).containsExactly(batch, 6, 3, 3);
      assertThat(shapes.get(TestNetworks.PROBS)).containsExactly(batch, 7);
    }
  }

  @Test
  void unsupportedOperatorsAndAttributesNameTheNode() {
    assertThatThrownBy(() -> GpuOps.compile(single(Node.builder("LSTM").name("rnn")
        .inputs("x").outputs("y").build())))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("node 'rnn' uses unsupported op LSTM");
    assertThatThrownBy(() -> GpuOps.compile(single(Node.builder("Tanh").name("t")
        .inputs("x").outputs("y").build())))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("node 't' (op Tanh) is not supported by the GPU backend; it runs")
        .hasMessageContaining("Clip, Conv, Dropout");
    assertThatThrownBy(() -> GpuOps.compile(single(Node.builder("Conv").name("dw")
        .inputs("x", "w").outputs("y").attr("group", 4L).build())))
        .hasMessageContaining("Conv node 'dw'").hasMessageContaining("group");
    assertThatThrownBy(() -> GpuOps.compile(single(Node.builder("MaxPool").name("mp")
        .inputs("x").outputs("y").attr("kernel_shape", 2, 2).attr("ceil_mode", 1L).build())))
        .hasMessageContaining("ceil_mode");
    assertThatThrownBy(() -> GpuOps.compile(single(Node.builder("Reshape").name("rs")
        .inputs("x", "runtime_shape").outputs("y").build())))
        .hasMessageContaining("Reshape node 'rs'").hasMessageContaining("initializer");
    assertThatThrownBy(() -> GpuOps.compile(single(Node.builder("Relu").name("r").domain("com.acme")
        .inputs("x").outputs("y").build())))
        .hasMessageContaining("com.acme");
  }

  /**
   * Before opset 13, Softmax normalized everything from its axis (default 1) on; the GPU kernel
   * normalizes the last axis only. Compiling reads the canonical form, so an old rank-2 Softmax
   * runs (the same thing) and an old rank-3 one is refused (its canonical form needs Shape) instead
   * of giving a wrong result.
   */
  @Test
  void olderSoftmaxFormsRunOnlyWhereTheyMeanTheLastAxis() {
    for (int rank : new int[] {2, 3}) {
      int[] shape = rank == 2 ? new int[] {2, 5} : new int[] {2, 3, 5};
      Graph g = Graph.builder()
          .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, shape,
              null))
          .addNode(Node.builder("Softmax").name("sm").inputs("x").outputs("y").build())
          .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null,
              null)).build();
      Graph canonical = io.bocomp.model.op.OpsetForms.canonical(g, 11);
      if (rank == 2) {
        List<GpuOp> ops = GpuOps.compile(canonical);
        assertThat(ops).hasSize(1);
        assertThat(ops.get(0).outputShape(new int[][] {shape})).containsExactly(shape);
      } else {
        assertThatThrownBy(() -> GpuOps.compile(canonical))
            .isInstanceOf(UnsupportedOperatorException.class)
            .hasMessageContaining("(op Shape) is not supported by the GPU backend");
      }
    }
  }

  @Test
  void theGpuRegistryIsASubsetOfTheOpTable() {
    assertThat(GpuOps.SUPPORTED).isNotEmpty();
    assertThat(io.bocomp.model.op.OpTable.names()).containsAll(GpuOps.SUPPORTED);
  }

  @Test
  void shapeErrorsNameTheNode() {
    Graph g = TestNetworks.cnn();
    GpuOp conv = GpuOps.compile(g).get(0);
    assertThatThrownBy(() -> conv.outputShape(new int[][] {{1, 4, 17, 13}, {8, 3, 3, 3}, {8}}))
        .hasMessageContaining("Conv node 'c1'").hasMessageContaining("4 channels");
    GpuOp add = new AddOp(Node.builder("Add").name("a").inputs("p", "q").outputs("r").build());
    assertThatThrownBy(() -> add.outputShape(new int[][] {{2, 3}, {4}}))
        .hasMessageContaining("do not broadcast");
    assertThat(add.outputShape(new int[][] {{2, 1, 5}, {3, 1}})).containsExactly(2, 3, 5);
  }

  private static Graph single(Node n) {
    Graph.Builder g = Graph.builder().name("one");
    g.input(ValueInfo.floatTensor("x", 1, 4, 8, 8));
    g.initializer("w", Tensor.zeros(4, 1, 3, 3));
    g.addNode(n);
    g.output(ValueInfo.floatTensor("y", 1));
    return g.build();
  }
}

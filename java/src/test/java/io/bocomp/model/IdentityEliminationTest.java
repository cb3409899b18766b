package io.bocomp.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.testing.OrtReference;
import io.bocomp.testing.SeededWeights;
import io.bocomp.testing.TestNets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Identity and inference-mode Dropout disappear; graph output names never change. */
class IdentityEliminationTest {
  private final IdentityElimination pass = new IdentityElimination();

  private static List<String> ops(Graph g) {
    return g.nodes().stream().map(Node::opType).toList();
  }

  private static List<String> outputNames(Graph g) {
    return g.outputs().stream().map(ValueInfo::name).toList();
  }

  @Test
  void removesIdentityAndDropoutChainsAndKeepsOutputNames() {
    SeededWeights r = new SeededWeights(1);
    GraphBuilder b = new GraphBuilder("chain");
    String x = b.input("input", -1, 3, 4, 4);
    x = b.conv("conv", x, r.conv(4, 3, 3, 3), r.normal(0.1, 4), 1, 1, 1);
    x = b.op("Identity", x).out();
    x = b.relu(x);
    x = b.op("Dropout", x, b.constant("ratio", Tensor.scalar(0.3f))).out();
    x = b.op("Identity", x).out();
    x = b.op("Identity", x).name("y").out();
    b.output(x);
    Model m = b.buildModel();
    Graph g = pass.apply(m.graph());
    assertThat(ops(g)).containsExactly("Conv", "Relu");
    assertThat(outputNames(g)).containsExactly("y");
    assertThat(g.node("Relu_2").orElseThrow().outputs()).containsExactly("y");
    assertThat(OrtReference.compare(m.withGraph(g), m, 2, 3)).isZero();
    assertThat(ops(m.graph())).as("input graph untouched").hasSize(6);
  }

  @Test
  void keepsWhatCannotBeRemoved() {
    GraphBuilder b = new GraphBuilder("kept");
    String x = b.input("input", -1, 4);
    b.output(b.op("Identity", x).name("copy_of_input").out()); // input -> output: must stay
    List<String> d = b.op("Dropout", b.relu(x)).name("drop").outs(2); // mask is a graph output
    b.output(d.get(0)).output(d.get(1));
    String t = b.op("Dropout", x, b.constant("ratio", Tensor.scalar(0.5f)),
        b.constant("training", Tensor.ofLongs(new int[0], new long[] {1}))).name("train").out();
    b.output(t);
    Graph g = pass.apply(b.build());
    assertThat(ops(g)).containsExactly("Identity", "Relu", "Dropout", "Dropout");
  }

  @Test
  void twoOutputsCopyingOneValue() {
    GraphBuilder b = new GraphBuilder("fanout");
    String x = b.input("input", -1, 4);
    String r = b.sigmoid(x);
    b.output(b.op("Identity", r).name("out1").out());
    b.output(b.op("Identity", r).name("out2").out());
    Model m = b.buildModel();
    Graph g = pass.apply(m.graph());
    // the first takes over the sigmoid's output, the second must stay to produce "out2"
    assertThat(ops(g)).containsExactly("Sigmoid", "Identity");
    assertThat(outputNames(g)).containsExactly("out1", "out2");
    assertThat(OrtReference.compare(m.withGraph(g), m, 3, 1)).isZero();
  }

  @Test
  void vggLosesItsDropoutsAndStillComputesTheSame() {
    Model m = TestNets.vgg16Shaped(32, 4);
    Model f = GraphOptimizer.standard().apply(m);
    assertThat(ops(f.graph())).doesNotContain("Dropout", "Identity");
    assertThat(ops(m.graph())).contains("Dropout");
    assertThat(OrtReference.compare(f, m, 2, 2)).isZero();
  }

  @Test
  void deadNodesAndTheirWeightsAreRemovedButInputsStay() {
    SeededWeights r = new SeededWeights(1);
    GraphBuilder b = new GraphBuilder("dead");
    String x = b.input("input", -1, 4);
    String unused = b.input("unused", 2);
    String live = b.relu(x);
    b.gemm("dead_fc", live, r.fc(3, 4), r.normal(0.1, 3), true); // feeds no output
    b.output(b.sigmoid(live));
    Graph g = new DeadNodeElimination().apply(b.build());
    assertThat(ops(g)).containsExactly("Relu", "Sigmoid");
    assertThat(g.initializers()).isEmpty();
    assertThat(g.inputs()).extracting(ValueInfo::name).containsExactly("input", unused);
    assertThat(new DeadNodeElimination().apply(g)).as("nothing left to do").isSameAs(g);
  }
}

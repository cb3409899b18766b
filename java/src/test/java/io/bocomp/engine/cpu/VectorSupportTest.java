package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.engine.Executable;
import io.bocomp.testing.OrtReference;
import io.bocomp.engine.Parity;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels are optional: the build runs this class twice, with
 * {@code --add-modules jdk.incubator.vector} and without it (surefire execution
 * {@code without-vector-module}), telling it which through {@code bocomp.test.vectorModule}.
 */
class VectorSupportTest {
  private static final OpCase CONV = OpCase.of("conv 3x3 stride 2", 13, "Conv")
      .input("x", 3, 20, 13, 11).weight("w", 24, 20, 3, 3).weight("b", 24)
      .ints("strides", 2, 2).ints("pads", 1, 1, 1, 1);

  @AfterEach
  void restore() {
    VectorSupport.forced = null;
  }

  @Test
  void moduleIsPresentExactlyWhenTheJvmWasStartedWithIt() {
    String expected = System.getProperty("bocomp.test.vectorModule");
    assertThat(expected).as("set by the surefire configuration in java/pom.xml").isNotNull();
    assertThat(VectorSupport.modulePresent()).isEqualTo(Boolean.parseBoolean(expected));
    if (!VectorSupport.modulePresent()) {
      VectorSupport.forced = true;
      assertThat(VectorSupport.enabled()).as("forcing cannot enable a missing module").isFalse();
    }
  }

  @Test
  void thePropertyTurnsTheVectorKernelsOff() {
    String before = System.getProperty(VectorSupport.PROPERTY);
    System.setProperty(VectorSupport.PROPERTY, "false");
    try {
      assertThat(VectorSupport.enabled()).isFalse();
      assertThat(kernel()).doesNotContain("vector");
    } finally {
      if (before == null) {
        System.clearProperty(VectorSupport.PROPERTY);
      } else {
        System.setProperty(VectorSupport.PROPERTY, before);
      }
    }
  }

  @Test
  void bothPathsMatchOnnxRuntime() {
    Graph g = CONV.graph();
    Tensor expected = OrtReference.run(g, CONV.opset, CONV.feeds, List.of("y")).get("y");
    for (boolean vector : new boolean[] {false, true}) {
      VectorSupport.forced = vector;
      try (CpuBackend backend = new CpuBackend(2); Executable e = backend.compile(g, CONV.opset)) {
        Parity.assertClose(CONV + " vector=" + vector, expected,
            e.run(CONV.feeds, List.of("y")).get("y"));
      }
      assertThat(kernel()).contains(vector && VectorSupport.modulePresent() ? "vector" : "Conv[im2col");
    }
  }

  /** The kernel the CPU backend picks for CONV's shapes now. */
  private static String kernel() {
    Node node = Node.builder("Conv").name("c").inputs("x", "w", "b").outputs("y")
        .attr("strides", 2L, 2L).attr("pads", 1L, 1L, 1L, 1L).build();
    int[][] in = {{3, 20, 13, 11}, {24, 20, 3, 3}, {24}};
    int[][] out = ShapeInference.outputShapes(node, in, null);
    Tensor[] consts = {null, Tensor.zeros(in[1]), Tensor.zeros(in[2])};
    return CpuKernels.create(new KernelSpec(node, 13, in, consts, out), 2).toString();
  }
}

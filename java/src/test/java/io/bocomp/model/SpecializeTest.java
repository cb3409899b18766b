package io.bocomp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.compress.CompressibleModel;
import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.OrtReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model with symbolic image sizes ({@code [N, 3, ?, ?]}, as detectors are exported) is fixed to
 * the sample size for analysis, and its export still accepts every size.
 */
class SpecializeTest {
  private static Model dynamicCnn() {
    Graph g = Graph.builder().name("dyn")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, new int[] {-1, 3, -1, -1},
            new String[] {"N", null, "H", "W"}))
        .initializer("w", Parity.random(1, 8, 3, 3, 3))
        .initializer("b", Parity.random(2, 8))
        .initializer("fc", Parity.random(3, 8, 5))
        .addNode(Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("c")
            .attr("pads", 1L, 1, 1, 1).build())
        .addNode(Node.builder("Relu").name("relu").inputs("c").outputs("r").build())
        .addNode(Node.builder("GlobalAveragePool").name("gap").inputs("r").outputs("p").build())
        .addNode(Node.builder("Flatten").name("flat").inputs("p").outputs("f").build())
        .addNode(Node.builder("MatMul").name("head").inputs("f", "fc").outputs("y").build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
    return new Model(ShapeInference.infer(g, 17), 8, Map.of("", 17L), "test", null);
  }

  @Test
  void symbolicSizesAreFixedForAnalysisAndKeptInTheExport() {
    Model m = dynamicCnn();
    assertThatThrownBy(() -> CompressibleModel.of(m))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("Conv node 'conv'")
        .hasMessageContaining("--images");
    Model s = m.specialize(new int[] {3, 16, 20});
    assertThat(s.isSpecialized()).isTrue();
    assertThat(s.graph().valueInfo("c").orElseThrow().shape()).containsExactly(-1, 8, 16, 20);
    CompressibleModel cm = CompressibleModel.of(s);
    assertThat(cm.layer("conv").orElseThrow().outH()).isEqualTo(16);
    assertThat(cm.macs()).isEqualTo(16L * 20 * 8 * 27 + 8 * 5);
    assertThat(s.specialize(new int[] {3, 16, 20})).isSameAs(s);

    byte[] onnx = OnnxExporter.toBytes(s);
    try (OrtReference ort = new OrtReference(onnx); CpuBackend cpu = new CpuBackend(1);
        Executable e = cpu.compile(m)) {
      for (int[] shape : new int[][] {{2, 3, 16, 20}, {1, 3, 9, 7}}) {
        Tensor x = Parity.random(4, shape);
        Parity.assertClose("exported specialized model at " + java.util.Arrays.toString(shape),
            ort.run(Map.of("x", x), List.of("y")).get("y"),
            e.run(Map.of("x", x), List.of("y")).get("y"));
      }
    }
  }

  @Test
  void aSampleThatDoesNotFitIsRefusedNamingTheInput() {
    Model m = dynamicCnn();
    assertThatThrownBy(() -> m.specialize(new int[] {1, 16, 20}))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("model input 'x'")
        .hasMessageContaining("dimension 1 differs");
    assertThatThrownBy(() -> m.specialize(new int[] {16, 20}))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("one input sample is [16, 20]");
  }
}

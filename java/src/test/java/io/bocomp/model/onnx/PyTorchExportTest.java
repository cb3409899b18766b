package io.bocomp.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.model.GraphOptimizer;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.OrtReference;
import io.bocomp.testing.TestNets;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by a real exporter (PyTorch 1.13's torch.onnx.export; made by
 * tools/make_onnx_test_fixtures.py): Constant nodes, the Shape/Gather/Unsqueeze/Concat/Reshape
 * flatten, a BatchNorm1d after a Linear, node names like "/conv1/Conv", and in the opset-9 file
 * every weight also listed as a graph input. Import, optimization and export must keep the
 * outputs ONNX Runtime computes.
 */
class PyTorchExportTest {

  @ParameterizedTest
  @ValueSource(strings = {"torch_tiny_cnn_opset13.onnx", "torch_tiny_cnn_opset9_weights_as_inputs.onnx"})
  void importOptimizeExportKeepsTheOutputs(String file) throws IOException {
    byte[] original;
    try (InputStream in = getClass().getResourceAsStream(file)) {
      original = in.readAllBytes();
    }
    Model m = OnnxImporter.read(original, file, null);
    assertThat(m.graph().inputs()).extracting(ValueInfo::name).containsExactly("input");
    assertThat(m.graph().inputs().get(0).dimParam(0)).isEqualTo("batch");
    assertThat(m.graph().nodes()).extracting(Node::opType).doesNotContain("Constant")
        .contains("Shape", "Gather", "Unsqueeze", "Concat", "Reshape", "BatchNormalization");
    assertThat(m.graph().node("/conv1/Conv")).isPresent();

    Model optimized = GraphOptimizer.standard().apply(m);
    assertThat(optimized.graph().nodes()).extracting(Node::opType)
        .doesNotContain("BatchNormalization");

    for (int batch : new int[] {1, 5}) {
      Tensor x = TestNets.randomInput(m, batch, batch);
      try (OrtReference ref = new OrtReference(original);
          OrtReference imported = new OrtReference(OnnxExporter.toBytes(m));
          OrtReference opt = new OrtReference(OnnxExporter.toBytes(optimized))) {
        Tensor want = ref.runFirst(x);
        assertThat(want.dim(0)).isEqualTo(batch);
        // not bit-identical for the opset-9 file: ONNX Runtime treats weights that are also graph
        // inputs as overridable, so it does not prepack them and sums in another order
        assertThat(OrtReference.relativeDifference(imported.runFirst(x), want)).isLessThan(1e-6);
        assertThat(OrtReference.relativeDifference(opt.runFirst(x), want)).isLessThan(1e-5);
      }
    }
  }
}

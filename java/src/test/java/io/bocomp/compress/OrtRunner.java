package io.bocomp.compress;

import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.OrtReference;

/**
 * Runs a bocomp graph in ONNX Runtime through the real exporter ({@link OnnxExporter}, opset 17):
 * the reference the compression tests compare against, and proof that every compressed graph
 * exports to a file ONNX Runtime accepts.
 */
final class OrtRunner {
  private OrtRunner() {}

  static Tensor run(Graph g, Tensor input) {
    try (OrtReference ort = new OrtReference(OnnxExporter.toBytes(Model.of(g)))) {
      return ort.runFirst(input);
    }
  }
}

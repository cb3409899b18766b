package io.bocomp.engine.cpu;

import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import io.bocomp.testing.ClassCpuBackend;
import io.bocomp.testing.OrtReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the engine's conformance tests share: one 2-thread CPU backend per test class, and the
 * check that a case's outputs match ONNX Runtime's (within {@code 1e-4 * max|ORT output|}) on a
 * first and a second run of the same executable (so a kernel that keeps state between runs, or
 * writes over its inputs, fails).
 */
abstract class CpuConformance {
  @RegisterExtension static final ClassCpuBackend cpu = new ClassCpuBackend(2);

  /** Runs {@code c} in ONNX Runtime and twice on the CPU backend; every output must match. */
  static void assertMatchesOnnxRuntime(OpCase c) {
    Graph g = c.graph();
    List<String> outs = c.outputNames();
    Map<String, Tensor> expected = OrtReference.run(g, c.opset, c.feeds, outs);
    try (Executable e = cpu.get().compile(g, c.opset)) {
      for (int pass = 0; pass < 2; pass++) {
        Map<String, Tensor> actual = e.run(c.feeds, outs);
        for (String o : outs) {
          Parity.assertClose(c + (outs.size() > 1 ? " " + o : "")
              + (pass > 0 ? " (second run)" : ""), expected.get(o), actual.get(o));
        }
      }
    }
  }
}

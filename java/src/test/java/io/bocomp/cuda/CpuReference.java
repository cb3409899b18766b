package io.bocomp.cuda;

import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The host reference GPU results are compared with: the production CPU backend (itself checked
 * against ONNX Runtime by the engine's conformance tests and, on {@link TestNetworks#cnn()}, by
 * {@code CpuReferenceTest}), so the chain GPU = CPU = ORT holds. Returns every node's output, so
 * intermediates can be compared too (asking for them only disables the CPU's fusions).
 */
final class CpuReference {
  private CpuReference() {}

  /** Every node output of {@code graph} run on {@code feeds}, plus the feeds, by value name. */
  static Map<String, Tensor> run(Graph graph, Map<String, Tensor> feeds) {
    List<String> wanted = new ArrayList<>();
    for (Node n : graph.nodes()) {
      wanted.addAll(n.outputs());
    }
    try (CpuBackend cpu = new CpuBackend(1); Executable exe = cpu.compile(graph)) {
      return exe.run(feeds, wanted);
    }
  }
}

package io.bocomp.cuda;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.op.OpTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operators the GPU executable runs, and the compile step that turns a graph's nodes into
 * {@link GpuOp}s. Compiling validates every node (attributes, constant inputs) on the host, before
 * any device work, and names the node at fault.
 */
final class GpuOps {
  /** Builds the op of one node. */
  @FunctionalInterface
  private interface Factory {
    GpuOp create(Node node, Graph graph);
  }

  /** The GPU backend's registry: op type (of {@link OpTable}) to its op. */
  private static final Map<String, Factory> OPS = new TreeMap<>();

  static {
    OPS.put("Conv", ConvOp::new);
    OPS.put("Gemm", GemmOp::new);
    OPS.put("MatMul", GemmOp::new);
    OPS.put("Relu", ClampOp::new);
    OPS.put("Clip", ClampOp::new);
    OPS.put("Add", (n, g) -> new AddOp(n));
    OPS.put("BatchNormalization", BatchNormOp::new);
    for (String op : new String[] {"MaxPool", "AveragePool", "GlobalAveragePool",
        "GlobalMaxPool"}) {
      OPS.put(op, (n, g) -> new PoolOp(n));
    }
    OPS.put("Softmax", (n, g) -> new SoftmaxOp(n));
    for (String op : new String[] {"Flatten", "Reshape", "Identity", "Dropout"}) {
      OPS.put(op, ViewOp::new);
    }
  }

  /** ONNX operators (default domain) the GPU backend runs, sorted. */
  static final Set<String> SUPPORTED = Collections.unmodifiableSet(OPS.keySet());

  private GpuOps() {}

  /**
   * One op per node of a canonical graph ({@link io.bocomp.model.op.OpsetForms}), in graph order;
   * throws {@link UnsupportedOperatorException} naming the node.
   */
  static List<GpuOp> compile(Graph graph) {
    List<GpuOp> ops = new ArrayList<>();
    for (Node node : graph.nodes()) {
      ops.add(create(node, graph));
    }
    return ops;
  }

  static GpuOp create(Node node, Graph graph) {
    OpTable.schema(node);
    Factory f = OPS.get(node.opType());
    if (f == null) {
      throw OpTable.unsupportedBy(node, "the GPU backend", SUPPORTED);
    }
    for (int i = 1; i < node.outputs().size(); i++) {
      boolean optionalExtra = node.opType().equals("Dropout") || node.opType().equals("MaxPool")
          || node.opType().equals("BatchNormalization");
      if (!optionalExtra && !node.output(i).isEmpty()) {
        throw new UnsupportedOperatorException(node.label() + ": the GPU backend produces one "
            + "output per node");
      }
    }
    return f.create(node, graph);
  }
}

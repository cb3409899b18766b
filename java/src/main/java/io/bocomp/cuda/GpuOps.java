package io.bocomp.cuda;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.ArrayList;
import java.util.List;

/**
 * The operators the GPU executable runs, and the compile step that turns a graph's nodes into
 * {@link GpuOp}s. Compiling validates every node (attributes, constant inputs) on the host, before
 * any device work, and names the node at fault.
 */
final class GpuOps {
  /** ONNX operators (default domain) the GPU backend runs. */
  static final List<String> SUPPORTED = List.of("Conv", "Gemm", "MatMul", "Relu", "Clip", "Add",
      "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
      "Softmax", "Flatten", "Reshape", "Identity", "Dropout");

  private GpuOps() {}

  /** One op per node, in graph order; throws {@link UnsupportedOperatorException} naming the node. */
  static List<GpuOp> compile(Graph graph) {
    List<GpuOp> ops = new ArrayList<>();
    for (Node node : graph.nodes()) {
      ops.add(create(node, graph));
    }
    return ops;
  }

  static GpuOp create(Node node, Graph graph) {
    if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
      throw unsupported(node);
    }
    for (int i = 1; i < node.outputs().size(); i++) {
      boolean optionalExtra = node.opType().equals("Dropout") || node.opType().equals("MaxPool")
          || node.opType().equals("BatchNormalization");
      if (!optionalExtra && !node.output(i).isEmpty()) {
        throw new UnsupportedOperatorException(node.label() + ": the GPU backend produces one "
            + "output per node");
      }
    }
    switch (node.opType()) {
      case "Conv":
        return new ConvOp(node, graph);
      case "Gemm":
      case "MatMul":
        return new GemmOp(node, graph);
      case "Relu":
      case "Clip":
        return new ClampOp(node, graph);
      case "Add":
        return new AddOp(node);
      case "BatchNormalization":
        return new BatchNormOp(node, graph);
      case "MaxPool":
      case "AveragePool":
      case "GlobalAveragePool":
      case "GlobalMaxPool":
        return new PoolOp(node);
      case "Softmax":
        return new SoftmaxOp(node);
      case "Flatten":
      case "Reshape":
      case "Identity":
      case "Dropout":
        return new ViewOp(node, graph);
      default:
        throw unsupported(node);
    }
  }

  private static UnsupportedOperatorException unsupported(Node node) {
    String domain = node.domain().isEmpty() ? "" : " (domain '" + node.domain() + "')";
    return new UnsupportedOperatorException(node.label() + domain
        + " is not supported by the GPU backend; it runs " + String.join(", ", SUPPORTED));
  }
}

package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkKernel;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;

/**
 * ONNX Relu (clamp to [0, +inf)) and Clip (bounds from the opset-6 attributes or the opset-11
 * optional scalar inputs, which must be initializers), by the clamp kernel.
 */
final class ClampOp extends GpuOp {
  private final float lo;
  private final float hi;

  ClampOp(Node node, Graph graph) {
    super(node);
    if (node.opType().equals("Relu")) {
      lo = 0f;
      hi = Float.POSITIVE_INFINITY;
    } else {
      lo = bound(node, graph, 1, "min", Float.NEGATIVE_INFINITY);
      hi = bound(node, graph, 2, "max", Float.POSITIVE_INFINITY);
      if (lo > hi) {
        throw bad("min " + lo + " > max " + hi);
      }
    }
  }

  private static float bound(Node node, Graph graph, int input, String attr, float dflt) {
    if (!node.input(input).isEmpty()) {
      Tensor t = constantInput(node, graph, input, attr);
      if (t.size() != 1) {
        throw new io.bocomp.model.ModelFormatException(node.label() + ": " + attr
            + " must be a scalar");
      }
      return t.get(0);
    }
    return node.hasAttribute(attr) ? node.floatAttr(attr, dflt) : dflt;
  }

  @Override
  int[] outputShape(int[][] in) {
    return in[0].clone();
  }

  @Override
  void enqueue(Lane lane, DeviceTensor[] in, DeviceTensor out, long scratch) {
    checkKernel(NativeKernels.bocomp_clamp(out.size(), in[0].address(), out.address(), lo, hi,
        lane.streamAddress()), "bocomp_clamp (" + node.label() + ")");
  }
}

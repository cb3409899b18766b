package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkKernel;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.op.ClipBounds;

/**
 * ONNX Relu (clamp to [0, +inf)) and Clip (canonical form: bounds from the optional scalar
 * inputs, which must be initializers; {@link ClipBounds}), by the clamp kernel.
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
      Tensor[] consts = new Tensor[node.inputs().size()];
      for (int i = 1; i < consts.length; i++) {
        consts[i] = node.input(i).isEmpty() ? null : graph.initializer(node.input(i));
      }
      ClipBounds b = ClipBounds.of(node, consts);
      lo = b.lo();
      hi = b.hi();
      if (lo > hi) {
        throw bad("min " + lo + " > max " + hi);
      }
    }
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

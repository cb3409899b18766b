package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkKernel;

import io.bocomp.model.Node;

/**
 * ONNX Softmax over the last axis (opset 13 default axis = -1; older models' axis = 1 on rank-2
 * inputs is the same thing), by the row-softmax kernel. Other axes are rejected.
 */
final class SoftmaxOp extends GpuOp {
  SoftmaxOp(Node node) {
    super(node);
  }

  @Override
  int[] outputShape(int[][] in) {
    int[] x = in[0];
    long axis = node.intAttr("axis", -1);
    long normalized = axis < 0 ? axis + x.length : axis;
    if (x.length == 0 || normalized != x.length - 1) {
      throw unsupported("computes Softmax over the last axis only (axis " + axis + ", rank "
          + x.length + ")");
    }
    return x.clone();
  }

  @Override
  void enqueue(Lane lane, DeviceTensor[] in, DeviceTensor out, long scratch) {
    int cols = out.dim(-1);
    checkKernel(NativeKernels.bocomp_softmax_rows(out.size() / Math.max(cols, 1), cols,
        in[0].address(), out.address(), lane.streamAddress()), "bocomp_softmax_rows ("
        + node.label() + ")");
  }
}

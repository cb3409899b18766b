package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkKernel;

import io.bocomp.model.Node;
import java.util.Arrays;

/** ONNX Add with multidirectional broadcasting (rank <= 6), by the broadcasting-add kernel. */
final class AddOp extends GpuOp {
  static final int MAX_RANK = 6;

  AddOp(Node node) {
    super(node);
  }

  @Override
  int[] outputShape(int[][] in) {
    int[] out = Broadcasting.shape(in[0], in[1]);
    if (out == null) {
      throw bad("shapes " + Arrays.toString(in[0]) + " and " + Arrays.toString(in[1])
          + " do not broadcast");
    }
    if (out.length > MAX_RANK) {
      throw unsupported("adds tensors of rank <= " + MAX_RANK + " (got " + out.length + ")");
    }
    return out;
  }

  @Override
  void enqueue(Lane lane, DeviceTensor[] in, DeviceTensor out, long scratch) {
    int[] y = out.shape();
    checkKernel(NativeKernels.bocomp_add_broadcast(y.length, Broadcasting.longs(y),
        Broadcasting.strides(in[0].shape(), y), Broadcasting.strides(in[1].shape(), y),
        in[0].address(), in[1].address(), out.address(), lane.streamAddress()),
        "bocomp_add_broadcast (" + node.label() + ")");
  }
}

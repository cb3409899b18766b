package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkKernel;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;

/**
 * Inference-mode ONNX BatchNormalization as a per-channel affine map: scale' = scale /
 * sqrt(var + epsilon), shift' = B - mean * scale', folded on the host (in double) when compiled.
 */
final class BatchNormOp extends GpuOp {
  private final Tensor scale;
  private final Tensor shift;
  private DeviceTensor deviceScale;
  private DeviceTensor deviceShift;

  BatchNormOp(Node node, Graph graph) {
    super(node);
    if (node.intAttr("training_mode", 0) != 0 || node.outputs().stream().skip(1)
        .anyMatch(o -> !o.isEmpty())) {
      throw unsupported("runs BatchNormalization in inference mode only");
    }
    float[] g = constantInput(node, graph, 1, "scale").toFloatArray();
    float[] b = constantInput(node, graph, 2, "B").toFloatArray();
    float[] mean = constantInput(node, graph, 3, "mean").toFloatArray();
    float[] var = constantInput(node, graph, 4, "var").toFloatArray();
    double eps = node.floatAttr("epsilon", 1e-5f);
    int c = g.length;
    if (b.length != c || mean.length != c || var.length != c) {
      throw bad("scale, B, mean and var must have the same length");
    }
    float[] s = new float[c];
    float[] t = new float[c];
    for (int i = 0; i < c; i++) {
      double k = g[i] / Math.sqrt(var[i] + eps);
      s[i] = (float) k;
      t[i] = (float) (b[i] - mean[i] * k);
    }
    scale = Tensor.of(new int[] {c}, s);
    shift = Tensor.of(new int[] {c}, t);
  }

  @Override
  int[] outputShape(int[][] in) {
    int[] x = in[0];
    if (x == null || x.length < 2 || x[1] != scale.size()) {
      throw bad("input " + java.util.Arrays.toString(x) + " does not have " + scale.size()
          + " channels in dimension 1");
    }
    return x.clone();
  }

  @Override
  void bind() {
    deviceScale = DeviceTensor.upload(scale);
    deviceShift = DeviceTensor.upload(shift);
  }

  @Override
  void release() {
    if (deviceScale != null) {
      deviceScale.close();
      deviceShift.close();
      deviceScale = null;
      deviceShift = null;
    }
  }

  @Override
  void enqueue(Lane lane, DeviceTensor[] in, DeviceTensor out, long scratch) {
    int[] x = out.shape();
    checkKernel(NativeKernels.bocomp_channel_affine(x[0], x[1], product(x, 2, x.length),
        in[0].address(), deviceScale.address(), deviceShift.address(), out.address(), 0,
        lane.streamAddress()), "bocomp_channel_affine (" + node.label() + ")");
  }
}

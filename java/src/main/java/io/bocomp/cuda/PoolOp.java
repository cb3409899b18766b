package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkKernel;

import io.bocomp.model.Node;

/**
 * ONNX MaxPool, AveragePool (count_include_pad 0/1), GlobalAveragePool and GlobalMaxPool over
 * NCHW by the pooling kernel. Limits: 2-D, ceil_mode = 0, no dilations, no Indices output.
 */
final class PoolOp extends GpuOp {
  private final boolean global;
  private final int mode;

  PoolOp(Node node) {
    super(node);
    String op = node.opType();
    global = op.startsWith("Global");
    boolean max = op.endsWith("MaxPool");
    mode = max ? NativeKernels.POOL_MAX
        : node.intAttr("count_include_pad", 0) != 0 ? NativeKernels.POOL_AVG_INCLUDE_PAD
        : NativeKernels.POOL_AVG_EXCLUDE_PAD;
    if (!global) {
      if (node.intAttr("ceil_mode", 0) != 0) {
        throw unsupported("pools with ceil_mode = 0 only");
      }
      long[] d = node.intsAttr("dilations", null);
      if (d != null && (d.length != 2 || d[0] != 1 || d[1] != 1)) {
        throw unsupported("pools without dilations only");
      }
      long[] k = node.intsAttr("kernel_shape", null);
      if (k == null || k.length != 2) {
        throw unsupported("pools over 2-D windows only (kernel_shape " + java.util.Arrays.toString(k)
            + ")");
      }
    }
    if (node.outputs().size() > 1 && !node.output(1).isEmpty()) {
      throw unsupported("does not produce MaxPool's Indices output");
    }
  }

  private ConvGeometry geometry(int[] x) {
    if (global) {
      return new ConvGeometry(x[2], x[3], 1, 1, 1, 1, 0, 0, 0, 0);
    }
    long[] k = node.intsAttr("kernel_shape", null);
    return ConvGeometry.of(node, new int[] {(int) k[0], (int) k[1]}, x[2], x[3]);
  }

  @Override
  int[] outputShape(int[][] in) {
    int[] x = requireRank(this, in[0], 4, "input X");
    ConvGeometry g = geometry(x);
    int oh = g.outH(x[2]);
    int ow = g.outW(x[3]);
    if (oh < 1 || ow < 1) {
      throw bad("output would be empty for input " + x[2] + " x " + x[3]);
    }
    return new int[] {x[0], x[1], oh, ow};
  }

  @Override
  void enqueue(Lane lane, DeviceTensor[] in, DeviceTensor out, long scratch) {
    int[] x = in[0].shape();
    int[] y = out.shape();
    ConvGeometry g = geometry(x);
    checkKernel(NativeKernels.bocomp_pool2d(mode, x[0], x[1], x[2], x[3], g.kh(), g.kw(),
        g.padTop(), g.padLeft(), g.sh(), g.sw(), y[2], y[3], in[0].address(), out.address(),
        lane.streamAddress()), "bocomp_pool2d (" + node.label() + ")");
  }
}

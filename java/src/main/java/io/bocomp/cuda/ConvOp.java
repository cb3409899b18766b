package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkCublas;
import static io.bocomp.cuda.CudaCalls.checkKernel;
import static io.bocomp.cuda.CudaCalls.floats;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import org.bytedeco.cuda.global.cublas;

/**
 * ONNX Conv (2-D, NCHW, group = 1) as im2col + one strided-batched SGEMM per chunk of images:
 * out[n] (M x oh*ow) = W (M x C*kh*kw) col[n]; then the bias by the channel-affine kernel. A 1x1
 * convolution with stride 1 and no padding skips im2col (the input already is the column matrix).
 * The column buffer is bounded by {@link #COLUMN_BUDGET_FLOATS}: large batches run in chunks.
 */
final class ConvOp extends GpuOp {
  /** Largest im2col buffer (floats) per chunk of images: 256 MB. */
  static final long COLUMN_BUDGET_FLOATS = 64L << 20;

  private final int[] weightShape;
  private final boolean hasBias;

  ConvOp(Node node, Graph graph) {
    super(node);
    if (node.intAttr("group", 1) != 1) {
      throw unsupported("runs only group = 1 convolutions (group " + node.intAttr("group", 1) + ")");
    }
    Tensor w = constantInput(node, graph, 1, "the weight");
    weightShape = w.shape();
    if (weightShape.length != 4) {
      throw unsupported("runs only 2-D convolutions (weight rank " + weightShape.length + ")");
    }
    hasBias = !node.input(2).isEmpty();
    if (hasBias) {
      Tensor b = constantInput(node, graph, 2, "the bias");
      if (b.size() != weightShape[0]) {
        throw bad("bias has " + b.size() + " values for " + weightShape[0] + " output channels");
      }
    }
    long[] ks = node.intsAttr("kernel_shape", null);
    if (ks != null && (ks.length != 2 || ks[0] != weightShape[2] || ks[1] != weightShape[3])) {
      throw bad("kernel_shape " + java.util.Arrays.toString(ks) + " disagrees with the weight "
          + java.util.Arrays.toString(weightShape));
    }
  }

  private ConvGeometry geometry(int[] x) {
    return ConvGeometry.of(node, new int[] {weightShape[2], weightShape[3]}, x[2], x[3]);
  }

  @Override
  int[] outputShape(int[][] in) {
    int[] x = requireRank(this, in[0], 4, "input X");
    if (x[1] != weightShape[1]) {
      throw bad("input has " + x[1] + " channels, the weight expects " + weightShape[1]);
    }
    ConvGeometry g = geometry(x);
    int oh = g.outH(x[2]);
    int ow = g.outW(x[3]);
    if (oh < 1 || ow < 1) {
      throw bad("output would be empty for input " + x[2] + " x " + x[3]);
    }
    return new int[] {x[0], weightShape[0], oh, ow};
  }

  private static int chunk(int n, long perImage) {
    return (int) Math.max(1, Math.min(n, COLUMN_BUDGET_FLOATS / Math.max(1, perImage)));
  }

  @Override
  long scratchFloats(int[][] in, int[] out) {
    ConvGeometry g = geometry(in[0]);
    if (g.isPointwise()) {
      return 0;
    }
    long perImage = (long) in[0][1] * g.kh() * g.kw() * out[2] * out[3];
    return chunk(in[0][0], perImage) * perImage;
  }

  @Override
  void enqueue(Lane lane, DeviceTensor[] in, DeviceTensor out, long scratch) {
    int[] x = in[0].shape();
    int[] y = out.shape();
    ConvGeometry g = geometry(x);
    int n = x[0];
    int c = x[1];
    int m = y[1];
    int plane = y[2] * y[3];
    int depth = c * g.kh() * g.kw();
    long perImage = (long) depth * plane;
    int chunk = g.isPointwise() ? n : chunk(n, perImage);
    long stream = lane.streamAddress();
    for (int n0 = 0; n0 < n; n0 += chunk) {
      int cn = Math.min(chunk, n - n0);
      long src = in[0].address() + 4L * n0 * c * x[2] * x[3];
      long col = src;
      if (!g.isPointwise()) {
        checkKernel(NativeKernels.bocomp_im2col(cn, c, x[2], x[3], g.kh(), g.kw(), g.padTop(),
            g.padLeft(), g.sh(), g.sw(), g.dh(), g.dw(), y[2], y[3], src, scratch, stream),
            "bocomp_im2col (" + node.label() + ")");
        col = scratch;
      }
      // Per image, column-major out^T (plane x M) = col^T (plane x depth) W^T (depth x M).
      checkCublas(cublas.cublasSgemmStridedBatched(lane.cublasHandle, cublas.CUBLAS_OP_N,
          cublas.CUBLAS_OP_N, plane, m, depth, lane.oneF, floats(col), plane, perImage,
          floats(in[1].address()), depth, 0L, lane.zeroF,
          floats(out.address() + 4L * n0 * m * plane), plane, (long) m * plane, cn),
          "cublasSgemmStridedBatched (" + node.label() + ")");
    }
    if (hasBias) {
      checkKernel(NativeKernels.bocomp_channel_affine(n, m, plane, out.address(), 0,
          in[2].address(), out.address(), 0, stream), "bocomp_channel_affine (" + node.label() + " bias)");
    }
  }
}

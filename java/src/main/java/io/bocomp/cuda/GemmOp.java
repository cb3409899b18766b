package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkCublas;
import static io.bocomp.cuda.CudaCalls.checkKernel;
import static io.bocomp.cuda.CudaCalls.floats;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import org.bytedeco.cuda.global.cublas;

/**
 * ONNX Gemm (Y = alpha op(A) op(B) + beta C) and 2-D MatMul by one cuBLAS SGEMM (float32 math, no
 * TF32), using the row-major trick: column-major Y^T = op(B)^T op(A)^T. The bias beta*C (C must
 * be an initializer; folded with beta on the host) is added by the channel-affine kernel when it
 * is a row vector, else by the broadcasting add.
 */
final class GemmOp extends GpuOp {
  private final boolean transA;
  private final boolean transB;
  private final float alpha;
  private final Tensor bias;  // beta * C on the host, or null
  private DeviceTensor deviceBias;

  GemmOp(Node node, Graph graph) {
    super(node);
    boolean gemm = node.opType().equals("Gemm");
    transA = gemm && node.intAttr("transA", 0) != 0;
    transB = gemm && node.intAttr("transB", 0) != 0;
    alpha = gemm ? node.floatAttr("alpha", 1f) : 1f;
    float beta = gemm ? node.floatAttr("beta", 1f) : 1f;
    if (gemm && !node.input(2).isEmpty() && beta != 0f) {
      Tensor c = constantInput(node, graph, 2, "C");
      float[] v = c.toFloatArray();
      for (int i = 0; i < v.length; i++) {
        v[i] *= beta;
      }
      bias = Tensor.of(c.shape(), v);
    } else {
      bias = null;
    }
  }

  @Override
  int[] outputShape(int[][] in) {
    int[] a = requireRank(this, in[0], 2, "input A");
    int[] b = requireRank(this, in[1], 2, "input B");
    int m = transA ? a[1] : a[0];
    int k = transA ? a[0] : a[1];
    int kb = transB ? b[1] : b[0];
    int n = transB ? b[0] : b[1];
    if (k != kb) {
      throw bad("inner dimensions differ: A " + java.util.Arrays.toString(a) + ", B "
          + java.util.Arrays.toString(b));
    }
    int[] y = {m, n};
    if (bias != null && Broadcasting.shape(bias.shape(), y) == null) {
      throw bad("C " + java.util.Arrays.toString(bias.shape()) + " does not broadcast to " + m
          + " x " + n);
    }
    return y;
  }

  @Override
  void bind() {
    if (bias != null) {
      deviceBias = DeviceTensor.upload(bias);
    }
  }

  @Override
  void release() {
    if (deviceBias != null) {
      deviceBias.close();
      deviceBias = null;
    }
  }

  @Override
  void enqueue(Lane lane, DeviceTensor[] in, DeviceTensor out, long scratch) {
    int[] a = in[0].shape();
    int m = out.dim(0);
    int n = out.dim(1);
    int k = transA ? a[0] : a[1];
    // Row-major X (r x c) is column-major X^T (c x r, ld c).
    int ldb = transB ? k : n;
    int lda = transA ? m : k;
    try (org.bytedeco.javacpp.FloatPointer al = new org.bytedeco.javacpp.FloatPointer(alpha)) {
      checkCublas(cublas.cublasSgemm_v2(lane.cublasHandle,
          transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
          transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N, n, m, k, al,
          floats(in[1].address()), ldb, floats(in[0].address()), lda, lane.zeroF,
          floats(out.address()), n), "cublasSgemm (" + node.label() + ")");
    }
    if (deviceBias == null) {
      return;
    }
    long stream = lane.streamAddress();
    int[] c = bias.shape();
    boolean rowVector = bias.size() == n && (c.length == 1 || (c.length == 2 && c[0] == 1));
    if (rowVector) {
      checkKernel(NativeKernels.bocomp_channel_affine(m, n, 1, out.address(), 0,
          deviceBias.address(), out.address(), 0, stream), "bocomp_channel_affine (" + node.label()
          + " bias)");
    } else {
      int[] y = {m, n};
      checkKernel(NativeKernels.bocomp_add_broadcast(2, Broadcasting.longs(y),
          Broadcasting.strides(y, y), Broadcasting.strides(c, y), out.address(),
          deviceBias.address(), out.address(), stream), "bocomp_add_broadcast (" + node.label()
          + " bias)");
    }
  }
}

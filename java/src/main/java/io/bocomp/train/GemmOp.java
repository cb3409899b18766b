package io.bocomp.train;

import io.bocomp.engine.cpu.Blas;
import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Gemm ({@code Y = α·A·op(B) + β·C}) and MatMul ({@code Y = A·B} with A of any rank ≥ 2, its
 * leading dimensions flattened into rows, and a 2-D B) as one SGEMM per shard, and their
 * gradients: {@code dA += α·dY·op(B)ᵀ}, {@code dB += α·Aᵀ·dY} (transposed for transB),
 * {@code dC += β·Σ_rows dY}. A is the activation (rows = samples); a transposed A would mix the
 * batch with features and is refused when the graph is compiled.
 */
final class GemmOp extends TrainOp {
  private final boolean matmul;
  private final boolean transB;
  private final float alpha;
  private final float beta;

  GemmOp(Node node, Ref[] in, int out) {
    super(node, in, out);
    this.matmul = node.opType().equals("MatMul");
    this.transB = !matmul && node.intAttr("transB", 0) != 0;
    this.alpha = matmul ? 1f : node.floatAttr("alpha", 1f);
    this.beta = matmul ? 1f : node.floatAttr("beta", 1f);
    if (!matmul && node.intAttr("transA", 0) != 0) {
      throw new UnsupportedOperatorException(node.label() + ": training supports Gemm with transA=0"
          + " only (a transposed activation mixes samples of the batch)");
    }
  }

  private int[] bDims(Workspace w) {
    int[] bs = in[1].shape(w);
    if (bs.length != 2) {
      throw new UnsupportedOperatorException(node.label() + ": training supports a 2-D second"
          + " operand only, got shape " + Arrays.toString(bs));
    }
    return transB ? new int[] {bs[1], bs[0]} : bs; // {K, N}
  }

  @Override
  void forward(Workspace w) {
    int[] as = in[0].shape(w);
    int[] kn = bDims(w);
    int k = kn[0];
    int n = kn[1];
    int rows = Buffers.size(as) / Math.max(1, as[as.length - 1]);
    if (as[as.length - 1] != k) {
      throw new UnsupportedOperatorException(node.label() + ": operand shapes "
          + Arrays.toString(as) + " and " + Arrays.toString(in[1].shape(w)) + " do not multiply");
    }
    int[] ys = as.clone();
    ys[ys.length - 1] = n;
    FloatBuffer y = w.output(out, ys);
    Blas.sgemm(false, transB, rows, n, k, alpha, in[0].data(w), 0, k, in[1].data(w), 0,
        transB ? k : n, 0f, y, 0, n);
    if (in.length > 2 && beta != 0f) {
      FloatBuffer c = in[2].data(w);
      int cs = Buffers.size(in[2].shape(w));
      checkBias(cs, n);
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < n; j++) {
          y.put(r * n + j, y.get(r * n + j) + beta * c.get(cs == 1 ? 0 : j));
        }
      }
    }
  }

  private void checkBias(int cs, int n) {
    if (cs != 1 && cs != n) {
      throw new UnsupportedOperatorException(node.label() + ": training supports a Gemm bias of "
          + n + " values or a scalar, got " + cs);
    }
  }

  @Override
  void backward(Workspace w) {
    int[] as = in[0].shape(w);
    int[] kn = bDims(w);
    int k = kn[0];
    int n = kn[1];
    int rows = Buffers.size(as) / Math.max(1, k);
    FloatBuffer dy = w.grad[out];
    FloatBuffer da = in[0].grad(w);
    FloatBuffer db = in[1].grad(w);
    FloatBuffer a = in[0].data(w);
    FloatBuffer b = in[1].data(w);
    if (da != null) {
      // dA[rows x K] += α dY[rows x N] · op(B)ᵀ; op(B)ᵀ is B itself when transB
      Blas.sgemm(false, !transB, rows, k, n, alpha, dy, 0, n, b, 0, transB ? k : n, 1f, da, 0, k);
    }
    if (db != null) {
      if (transB) {
        Blas.sgemm(true, false, n, k, rows, alpha, dy, 0, n, a, 0, k, 1f, db, 0, k);
      } else {
        Blas.sgemm(true, false, k, n, rows, alpha, a, 0, k, dy, 0, n, 1f, db, 0, n);
      }
    }
    if (in.length > 2 && beta != 0f && in[2].grad(w) != null) {
      FloatBuffer dc = in[2].grad(w);
      int cs = Buffers.size(in[2].shape(w));
      for (int j = 0; j < n; j++) {
        float s = 0f;
        for (int r = 0; r < rows; r++) {
          s += dy.get(r * n + j);
        }
        int at = cs == 1 ? 0 : j;
        dc.put(at, dc.get(at) + beta * s);
      }
    }
  }
}

package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/**
 * Gemm ({@code Y = alpha * op(A) * op(B) + beta * C}, transA/transB, C broadcast from a scalar, a
 * row, a column or a full matrix) and MatMul (numpy semantics: 1-D operands promoted, batch
 * dimensions broadcast) through OpenBLAS SGEMM, with an optional fused activation.
 *
 * <p>Parallelism: one GEMM is split into column blocks, or row blocks when it has more rows than
 * columns (a tall, narrow product: each worker then packs only its rows of A and OpenBLAS keeps
 * its full width), one per worker, each a single-threaded SGEMM followed by its epilogue (C broadcast and
 * activation) while the block is in cache. A batched MatMul whose right operand has no batch
 * dimensions is one GEMM over all rows; otherwise batches are spread over the workers.
 *
 * <p>A MatMul whose right operand has at most 2 dimensions may carry a fused Add
 * ({@link #fusesAdd}): its other operand is then input 2, added as Gemm's C would be (a scalar,
 * a row broadcast over every output row, or a full output-shaped tensor). A fused Gelu runs on
 * {@link VectorMath} when the Vector API is enabled as the kernel is made.
 */
final class GemmKernel implements Kernel {
  private enum Bias {
    NONE, SCALAR, PER_COLUMN, PER_ROW, FULL
  }

  /** Below this many multiply-adds a GEMM runs as a single task. */
  private static final long SPLIT_MACS = 1L << 18;

  private final int batches;
  private final int[] aBatchOffset;
  private final int[] bBatchOffset;
  private final int m;
  private final int n;
  private final int k;
  private final boolean ta;
  private final boolean tb;
  private final float alpha;
  private final float beta;
  private final Bias bias;
  private final Activation activation;
  /** The activation has a vector path and the Vector API was enabled at creation. */
  private final boolean vectorAct;

  private GemmKernel(int batches, int[] aOff, int[] bOff, int m, int n, int k, boolean ta,
      boolean tb, float alpha, float beta, Bias bias, Activation activation) {
    this.batches = batches;
    this.aBatchOffset = aOff;
    this.bBatchOffset = bOff;
    this.m = m;
    this.n = n;
    this.k = k;
    this.ta = ta;
    this.tb = tb;
    this.alpha = alpha;
    this.beta = beta;
    this.bias = bias;
    this.activation = activation;
    this.vectorAct = activation != null && activation.vectorizes() && VectorSupport.enabled();
  }

  /**
   * True if a MatMul with output shape {@code out} (and a right operand of at most 2 dimensions)
   * can take an Add of a tensor of shape {@code other} as its bias: a single value, a row of the
   * output's width (any leading dimensions of 1, no more dimensions than the output) or the
   * output's own shape.
   */
  static boolean fusesAdd(int[] out, int[] other) {
    if (out == null || other == null || out.length == 0 || other.length > out.length) {
      return false;
    }
    int size = Tensor.checkedSize(other);
    if (size == 1 || java.util.Arrays.equals(out, other)) {
      return true;
    }
    return other.length >= 1 && other[other.length - 1] == out[out.length - 1]
        && size == out[out.length - 1];
  }

  /** The bias kind of a MatMul's fused Add (see {@link #fusesAdd}). */
  private static Bias matMulBias(KernelSpec spec) {
    if (!spec.residual) {
      return Bias.NONE;
    }
    int[] c = spec.in(2);
    int[] out = spec.out(0);
    if (!fusesAdd(out, c)) {
      throw spec.unsupported("a fused Add of shape " + java.util.Arrays.toString(c));
    }
    int size = Tensor.checkedSize(c);
    return size == 1 ? Bias.SCALAR : java.util.Arrays.equals(out, c) && size != out[out.length - 1]
        ? Bias.FULL : Bias.PER_COLUMN;
  }

  static Kernel gemm(KernelSpec spec) {
    int[] a = spec.in(0);
    int[] b = spec.in(1);
    boolean ta = spec.node.intAttr("transA", 0) != 0;
    boolean tb = spec.node.intAttr("transB", 0) != 0;
    int m = ta ? a[1] : a[0];
    int k = ta ? a[0] : a[1];
    int n = tb ? b[0] : b[1];
    float beta = spec.node.floatAttr("beta", 1f);
    Bias bias = Bias.NONE;
    if (spec.has(2) && beta != 0f) {
      int[] c = spec.in(2);
      int size = Tensor.checkedSize(c);
      int cRows = c.length == 2 ? c[0] : 1;
      if (size == 1) {
        bias = Bias.SCALAR;
      } else if (cRows == 1) {
        bias = Bias.PER_COLUMN;
      } else if (c[c.length - 1] == 1) {
        bias = Bias.PER_ROW;
      } else {
        bias = Bias.FULL;
      }
    }
    return new GemmKernel(1, new int[] {0}, new int[] {0}, m, n, k, ta, tb,
        spec.node.floatAttr("alpha", 1f), beta, bias, spec.activation);
  }

  static Kernel matMul(KernelSpec spec) {
    int[] a = spec.in(0);
    int[] b = spec.in(1);
    int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
    int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
    int m = a2[a2.length - 2];
    int k = a2[a2.length - 1];
    int n = b2[b2.length - 1];
    int ra = a2.length - 2;
    int rb = b2.length - 2;
    int r = Math.max(ra, rb);
    int[] batch = new int[r];
    int[] aStride = new int[r];
    int[] bStride = new int[r];
    int accA = m * k;
    int accB = k * n;
    for (int i = r - 1; i >= 0; i--) {
      int da = i - (r - ra) >= 0 ? a2[i - (r - ra)] : 1;
      int db = i - (r - rb) >= 0 ? b2[i - (r - rb)] : 1;
      batch[i] = Math.max(da, db);
      aStride[i] = da == 1 ? 0 : accA;
      bStride[i] = db == 1 ? 0 : accB;
      accA *= da;
      accB *= db;
    }
    int total = 1;
    boolean bShared = true;
    for (int i = 0; i < r; i++) {
      total *= batch[i];
      bShared &= bStride[i] == 0;
    }
    Bias bias = matMulBias(spec);
    if (bShared && total > 1 && accA == total * m * k) {
      // every batch multiplies the same B: one GEMM over all rows of A
      return new GemmKernel(1, new int[] {0}, new int[] {0}, total * m, n, k, false, false, 1f,
          1f, bias, spec.activation);
    }
    if (bias != Bias.NONE && total > 1) {
      throw spec.unsupported("a fused Add with a batched right operand");
    }
    int[] aOff = new int[total];
    int[] bOff = new int[total];
    for (int t = 0; t < total; t++) {
      int rem = t;
      for (int i = r - 1; i >= 0; i--) {
        int idx = rem % batch[i];
        rem /= batch[i];
        aOff[t] += idx * aStride[i];
        bOff[t] += idx * bStride[i];
      }
    }
    return new GemmKernel(total, aOff, bOff, m, n, k, false, false, 1f, 1f, bias,
        spec.activation);
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.ROW_A, padded(n));
    s.floats(Scratch.ROW_B, n);
    if (vectorAct) {
      s.floats(Scratch.ROW_C, padded(n));
    }
  }

  /**
   * {@code batches} independent products {@code op(A_t) * op(B_t)} of contiguous operands (A_t at
   * {@code t * m * k}, B_t at {@code t * k * n}, Y_t at {@code t * m * n}), no bias, no
   * activation: the core of Einsum.
   */
  static GemmKernel batched(int batches, int m, int n, int k, boolean ta, boolean tb) {
    int[] aOff = new int[batches];
    int[] bOff = new int[batches];
    for (int t = 0; t < batches; t++) {
      aOff[t] = t * m * k;
      bOff[t] = t * k * n;
    }
    return new GemmKernel(batches, aOff, bOff, m, n, k, ta, tb, 1f, 0f, Bias.NONE, null);
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer a = in[0];
    FloatBuffer b = in[1];
    FloatBuffer c = bias == Bias.NONE ? null : in[2];
    FloatBuffer y = out[0];
    long macs = (long) m * n * k;
    int threads = pool.threads();
    if (batches > 1) {
      // whole products per task, unless there are fewer products than workers and each is big
      // enough to split: then each product is cut into column (or row) blocks as below
      int split = batches >= threads || macs < SPLIT_MACS ? 1
          : (int) Math.min((threads + batches - 1) / batches, macs / (SPLIT_MACS / 4));
      if (split <= 1) {
        pool.parallelFor(batches, (t, w) -> block(a, aBatchOffset[t], b, bBatchOffset[t], null,
            y, t * m * n, 0, m, 0, n, pool.scratch(w)));
        return;
      }
      boolean byColumns = n >= m;
      int len = byColumns ? n : m;
      int per = Math.min(len, roundUp((len + split - 1) / split, byColumns ? 16 : 4));
      int tiles = (len + per - 1) / per;
      pool.parallelFor(batches * tiles, (task, w) -> {
        int t = task / tiles;
        int from = (task % tiles) * per;
        int to = Math.min(len, from + per);
        if (byColumns) {
          block(a, aBatchOffset[t], b, bBatchOffset[t], null, y, t * m * n, 0, m, from, to,
              pool.scratch(w));
        } else {
          block(a, aBatchOffset[t], b, bBatchOffset[t], null, y, t * m * n, from, to, 0, n,
              pool.scratch(w));
        }
      });
      return;
    }
    if (macs < SPLIT_MACS || threads == 1) {
      pool.parallelFor(1, (t, w) -> block(a, 0, b, 0, c, y, 0, 0, m, 0, n, pool.scratch(w)));
    } else if (n >= m) {
      int per = roundUp((n + threads - 1) / threads, 16);
      int tasks = (n + per - 1) / per;
      pool.parallelFor(tasks, (t, w) -> block(a, 0, b, 0, c, y, 0, 0, m, t * per,
          Math.min(n, (t + 1) * per), pool.scratch(w)));
    } else {
      int per = roundUp((m + threads - 1) / threads, 4);
      int tasks = (m + per - 1) / per;
      pool.parallelFor(tasks, (t, w) -> block(a, 0, b, 0, c, y, 0, t * per,
          Math.min(m, (t + 1) * per), 0, n, pool.scratch(w)));
    }
  }

  private int padded(int cols) {
    return vectorAct ? roundUp(cols, VectorMath.L) : cols;
  }

  private static int roundUp(int v, int q) {
    return (v + q - 1) / q * q;
  }

  /** Rows [r0, r1) and columns [c0, c1) of one product, then the epilogue on that block. */
  private void block(FloatBuffer a, int aBase, FloatBuffer b, int bBase, FloatBuffer c,
      FloatBuffer y, int yBase, int r0, int r1, int c0, int c1, Scratch s) {
    int rows = r1 - r0;
    int cols = c1 - c0;
    int aOff = aBase + (ta ? r0 : r0 * k);
    int bOff = bBase + (tb ? c0 * k : c0);
    int yOff = yBase + r0 * n + c0;
    float blasBeta = 0f;
    if (bias == Bias.FULL) {
      for (int r = 0; r < rows; r++) {
        y.put(yOff + r * n, c, (r0 + r) * n + c0, cols);
      }
      blasBeta = beta;
    }
    if (k == 0) {
      // an empty inner dimension: the product is 0 (OpenBLAS refuses a leading dimension of 0)
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < cols; j++) {
          int i = yOff + r * n + j;
          y.put(i, blasBeta == 0f ? 0f : blasBeta * y.get(i));
        }
      }
    } else if (rows == 1 && !ta) {
      // one output row: y[c0..c1) = alpha * op(B)[:, c0..c1]^T a[row] + beta * y
      if (tb) {
        Blas.sgemv(false, cols, k, alpha, b, bOff, k, a, aOff, blasBeta, y, yOff);
      } else {
        Blas.sgemv(true, k, cols, alpha, b, bOff, n, a, aOff, blasBeta, y, yOff);
      }
    } else {
      Blas.sgemm(ta, tb, rows, cols, k, alpha, a, aOff, ta ? m : k, b, bOff, tb ? k : n,
          blasBeta, y, yOff, n);
    }
    boolean rowBias = bias == Bias.SCALAR || bias == Bias.PER_ROW || bias == Bias.PER_COLUMN;
    if (!rowBias && activation == null) {
      return;
    }
    // with a vector activation the row is padded to whole vectors (the padding is never stored)
    int width = padded(cols);
    float[] row = s.floats(Scratch.ROW_A, width);
    float[] tmp = vectorAct ? s.floats(Scratch.ROW_C, width) : null;
    float[] colBias = null;
    if (bias == Bias.PER_COLUMN) {
      colBias = s.floats(Scratch.ROW_B, cols);
      c.get(c0, colBias, 0, cols);
      if (beta != 1f) {
        for (int j = 0; j < cols; j++) {
          colBias[j] *= beta;
        }
      }
    }
    for (int r = 0; r < rows; r++) {
      int off = yOff + r * n;
      y.get(off, row, 0, cols);
      if (bias == Bias.PER_COLUMN) {
        for (int j = 0; j < cols; j++) {
          row[j] += colBias[j];
        }
      } else if (bias == Bias.SCALAR || bias == Bias.PER_ROW) {
        float v = beta * c.get(bias == Bias.SCALAR ? 0 : r0 + r);
        for (int j = 0; j < cols; j++) {
          row[j] += v;
        }
      }
      if (activation != null) {
        activation.apply(row, 0, width, tmp);
      }
      y.put(off, row, 0, cols);
    }
  }
}

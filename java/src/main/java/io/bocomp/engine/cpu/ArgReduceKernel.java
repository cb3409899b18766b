package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import io.bocomp.model.op.ReduceAxes;
import java.nio.FloatBuffer;

/**
 * ArgMax and ArgMin: the index of the largest (smallest) value along one axis
 * ({@link ReduceAxes#argAxis}), written as float-coded int64 (exact below 2^24). Ties give the
 * first index, or the last with {@code select_last_index}; keepdims only changes the output
 * shape, not its layout.
 *
 * <p>Algorithm: the input is viewed as {@code [outer, len, inner]}. With {@code inner == 1} each
 * output scans one contiguous row (short rows are staged many per bulk copy); otherwise each
 * output row of {@code inner} columns keeps a running best value and index per column and sweeps
 * the {@code len} input rows in vectorizable passes (rows staged several per copy, columns in
 * chunks). Parallel over outputs or output row chunks.
 *
 * <p>Limits: NaN compares false (a NaN is never selected unless it is the first value); an empty
 * axis is malformed.
 */
final class ArgReduceKernel implements Kernel {
  private static final int CHUNK = ReduceKernel.CHUNK;

  private final boolean max;
  private final boolean last;
  private final int outer;
  private final int len;
  private final int inner;

  private ArgReduceKernel(boolean max, boolean last, int outer, int len, int inner) {
    this.max = max;
    this.last = last;
    this.outer = outer;
    this.len = len;
    this.inner = inner;
  }

  static Kernel create(KernelSpec spec) {
    int[] x = spec.in(0);
    int a = ReduceAxes.argAxis(spec.node, x.length);
    int outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= x[i];
    }
    int inner = 1;
    for (int i = a + 1; i < x.length; i++) {
      inner *= x[i];
    }
    if (x[a] == 0 && Tensor.checkedSize(spec.out(0)) > 0) {
      throw spec.malformed(spec.node.opType() + " over an empty axis");
    }
    return new ArgReduceKernel(spec.node.opType().equals("ArgMax"),
        spec.node.intAttr("select_last_index", 0) != 0, outer, x[a], inner);
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.STAGE, Strips.STRIP);
    s.floats(Scratch.ROW_A, Math.max(CHUNK, Strips.STRIP));
    s.floats(Scratch.ROW_B, CHUNK);
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    if (outer == 0 || inner == 0) {
      return;
    }
    if (inner == 1) {
      runRows(in[0], out[0], pool);
    } else {
      runColumns(in[0], out[0], pool);
    }
  }

  private void runRows(FloatBuffer x, FloatBuffer y, WorkerPool pool) {
    int grain = Math.max(1, Strips.GRAIN / len);
    Strips.forRange(pool, outer, grain, (o0, o1, w) -> {
      Scratch sc = pool.scratch(w);
      float[] stage = sc.floats(Scratch.STAGE, Strips.STRIP);
      float[] res = sc.floats(Scratch.ROW_A, Strips.STRIP);
      int per = Math.max(1, Strips.STRIP / len);
      for (int b0 = o0; b0 < o1; b0 += Strips.STRIP) {
        int b1 = Math.min(o1, b0 + Strips.STRIP);
        if (len <= Strips.STRIP) {
          for (int r0 = b0; r0 < b1; r0 += per) {
            int n = Math.min(per, b1 - r0);
            x.get(r0 * len, stage, 0, n * len);
            for (int r = 0; r < n; r++) {
              res[r0 - b0 + r] = scan(stage, r * len, len);
            }
          }
        } else {
          for (int o = b0; o < b1; o++) {
            res[o - b0] = longRow(x, o * len, stage);
          }
        }
        y.put(b0, res, 0, b1 - b0);
      }
    });
  }

  /** Index of the best of {@code v[off, off + n)}. */
  private float scan(float[] v, int off, int n) {
    float best = v[off];
    int at = 0;
    for (int i = 1; i < n; i++) {
      float e = v[off + i];
      if (better(e, best)) {
        best = e;
        at = i;
      }
    }
    return at;
  }

  private boolean better(float e, float best) {
    if (max) {
      return last ? e >= best : e > best;
    }
    return last ? e <= best : e < best;
  }

  /** A row longer than a strip, staged piecewise. */
  private float longRow(FloatBuffer x, int start, float[] stage) {
    float best = x.get(start);
    int at = 0;
    for (int p = 0; p < len; p += Strips.STRIP) {
      int n = Math.min(Strips.STRIP, len - p);
      x.get(start + p, stage, 0, n);
      for (int i = p == 0 ? 1 : 0; i < n; i++) {
        float e = stage[i];
        if (better(e, best)) {
          best = e;
          at = p + i;
        }
      }
    }
    return at;
  }

  private void runColumns(FloatBuffer x, FloatBuffer y, WorkerPool pool) {
    int chunks = (inner + CHUNK - 1) / CHUNK;
    int units = outer * chunks;
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, len * Math.min(inner, CHUNK)));
    Strips.forRange(pool, units, grain, (u0, u1, w) -> {
      Scratch sc = pool.scratch(w);
      float[] stage = sc.floats(Scratch.STAGE, Strips.STRIP);
      float[] best = sc.floats(Scratch.ROW_A, CHUNK);
      float[] idx = sc.floats(Scratch.ROW_B, CHUNK);
      for (int u = u0; u < u1; u++) {
        int o = u / chunks;
        int j0 = (u % chunks) * CHUNK;
        int n = Math.min(CHUNK, inner - j0);
        int base = o * len * inner + j0;
        int per = n == inner ? Math.max(1, Strips.STRIP / inner) : 1;
        for (int l0 = 0; l0 < len; l0 += per) {
          int rows = Math.min(per, len - l0);
          x.get(base + l0 * inner, stage, 0, (rows - 1) * inner + n);
          for (int t = 0; t < rows; t++) {
            int l = l0 + t;
            if (l == 0) {
              System.arraycopy(stage, 0, best, 0, n);
              java.util.Arrays.fill(idx, 0, n, 0f);
            } else {
              columns(stage, t * inner, n, best, idx, l);
            }
          }
        }
        y.put(o * inner + j0, idx, 0, n);
      }
    });
  }

  private void columns(float[] v, int off, int n, float[] best, float[] idx, float l) {
    if (max && !last) {
      for (int j = 0; j < n; j++) {
        float e = v[off + j];
        boolean b = e > best[j];
        best[j] = b ? e : best[j];
        idx[j] = b ? l : idx[j];
      }
    } else if (max) {
      for (int j = 0; j < n; j++) {
        float e = v[off + j];
        boolean b = e >= best[j];
        best[j] = b ? e : best[j];
        idx[j] = b ? l : idx[j];
      }
    } else if (!last) {
      for (int j = 0; j < n; j++) {
        float e = v[off + j];
        boolean b = e < best[j];
        best[j] = b ? e : best[j];
        idx[j] = b ? l : idx[j];
      }
    } else {
      for (int j = 0; j < n; j++) {
        float e = v[off + j];
        boolean b = e <= best[j];
        best[j] = b ? e : best[j];
        idx[j] = b ? l : idx[j];
      }
    }
  }
}

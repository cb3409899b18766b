package io.bocomp.engine.cpu;

import io.bocomp.model.op.SoftmaxAxis;
import java.nio.FloatBuffer;

/**
 * Softmax, LogSoftmax and Hardmax along one axis ({@link SoftmaxAxis}; older opsets' 2-D coercion
 * is rewritten into this form at import, {@link io.bocomp.model.op.OpsetForms}), as
 * {@code outer x len x inner} blocks. Softmax: {@code exp(x - max) / sum}; LogSoftmax:
 * {@code x - max - log(sum)}, the sum of {@code exp(x - max)} accumulated in double along a last
 * axis (in float per column otherwise); Hardmax: 1 at the first maximum, 0 elsewhere. With {@code inner > 1} a whole block is staged and the
 * reductions run across it in vectorizable row-wise passes.
 */
final class SoftmaxKernel implements Kernel {
  /** Which of the three ops. */
  enum Mode {
    SOFTMAX, LOG_SOFTMAX, HARDMAX
  }

  private final Mode mode;
  private final int outer;
  private final int len;
  private final int inner;
  /** Floats between staged rows on the vector path, 0 on the scalar path. */
  private final int stride;

  private SoftmaxKernel(Mode mode, int outer, int len, int inner, boolean vector) {
    this.mode = mode;
    this.outer = outer;
    this.len = len;
    this.inner = inner;
    boolean v = vector && mode == Mode.SOFTMAX && inner == 1 && len > 0;
    this.stride = v ? roundUp(len, VectorMath.L) : 0;
  }

  private static int roundUp(int v, int q) {
    return (v + q - 1) / q * q;
  }

  private static Mode mode(String op) {
    switch (op) {
      case "LogSoftmax": return Mode.LOG_SOFTMAX;
      case "Hardmax": return Mode.HARDMAX;
      default: return Mode.SOFTMAX;
    }
  }

  static Kernel create(KernelSpec spec) {
    int[] x = spec.in(0);
    int r = x.length;
    Mode mode = mode(spec.node.opType());
    if (r == 0) {
      return new SoftmaxKernel(mode, 1, 1, 1, false);
    }
    int a = SoftmaxAxis.of(spec.node, r);
    int outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= x[i];
    }
    int rest = 1;
    for (int i = a + 1; i < r; i++) {
      rest *= x[i];
    }
    return new SoftmaxKernel(mode, outer, x[a], rest, VectorSupport.enabled());
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.STAGE, stride > 0 ? rowsPerStrip() * stride : len * inner);
    s.floats(Scratch.ROW_A, inner);
    s.floats(Scratch.ROW_B, inner);
  }

  @Override
  public int inPlaceInput() {
    return 0;
  }

  /** Rows staged at once on the vector path. */
  private int rowsPerStrip() {
    return Math.max(1, Strips.STRIP / stride);
  }

  @Override
  public String toString() {
    return "Softmax[" + mode + ", " + outer + "x" + len + "x" + inner
        + (stride > 0 ? ", vector" : "") + "]";
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    if (stride > 0) {
      runVector(x, y, pool);
      return;
    }
    int block = len * inner;
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, block));
    Strips.forRange(pool, outer, grain, (o0, o1, w) -> {
      Scratch s = pool.scratch(w);
      float[] v = s.floats(Scratch.STAGE, block);
      float[] m = s.floats(Scratch.ROW_A, inner);
      float[] sum = s.floats(Scratch.ROW_B, inner);
      for (int o = o0; o < o1; o++) {
        x.get(o * block, v, 0, block);
        if (mode == Mode.HARDMAX) {
          hardmax(v, m, sum);
        } else if (inner == 1) {
          row(v, len, mode == Mode.LOG_SOFTMAX);
        } else {
          columns(v, m, sum, mode == Mode.LOG_SOFTMAX);
        }
        y.put(o * block, v, 0, block);
      }
    });
  }

  private void runVector(FloatBuffer x, FloatBuffer y, WorkerPool pool) {
    int per = rowsPerStrip();
    int grain = Math.max(1, Strips.GRAIN / len);
    Strips.forRange(pool, outer, grain, (o0, o1, w) -> {
      float[] v = pool.scratch(w).floats(Scratch.STAGE, per * stride);
      for (int o = o0; o < o1; o += per) {
        int rows = Math.min(per, o1 - o);
        for (int r = 0; r < rows; r++) {
          x.get((o + r) * len, v, r * stride, len);
          java.util.Arrays.fill(v, r * stride + len, (r + 1) * stride, Float.NEGATIVE_INFINITY);
        }
        VectorMath.softmaxRows(v, rows, stride);
        for (int r = 0; r < rows; r++) {
          y.put((o + r) * len, v, r * stride, len);
        }
      }
    });
  }

  private static void row(float[] v, int n, boolean log) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, v[i]);
    }
    if (log) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        total += Math.exp(v[i] - max);
      }
      float shift = (float) (max + Math.log(total));
      for (int i = 0; i < n; i++) {
        v[i] -= shift;
      }
      return;
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      float e = (float) Math.exp(v[i] - max);
      v[i] = e;
      total += e;
    }
    float inv = (float) (1.0 / total);
    for (int i = 0; i < n; i++) {
      v[i] *= inv;
    }
  }

  private void columns(float[] v, float[] m, float[] sum, boolean log) {
    System.arraycopy(v, 0, m, 0, inner);
    for (int l = 1; l < len; l++) {
      int base = l * inner;
      for (int j = 0; j < inner; j++) {
        m[j] = Math.max(m[j], v[base + j]);
      }
    }
    java.util.Arrays.fill(sum, 0, inner, 0f);
    if (log) {
      for (int l = 0; l < len; l++) {
        int base = l * inner;
        for (int j = 0; j < inner; j++) {
          sum[j] += (float) Math.exp(v[base + j] - m[j]);
        }
      }
      for (int j = 0; j < inner; j++) {
        m[j] += (float) Math.log(sum[j]);
      }
      for (int l = 0; l < len; l++) {
        int base = l * inner;
        for (int j = 0; j < inner; j++) {
          v[base + j] -= m[j];
        }
      }
      return;
    }
    for (int l = 0; l < len; l++) {
      int base = l * inner;
      for (int j = 0; j < inner; j++) {
        float e = (float) Math.exp(v[base + j] - m[j]);
        v[base + j] = e;
        sum[j] += e;
      }
    }
    for (int j = 0; j < inner; j++) {
      sum[j] = 1f / sum[j];
    }
    for (int l = 0; l < len; l++) {
      int base = l * inner;
      for (int j = 0; j < inner; j++) {
        v[base + j] *= sum[j];
      }
    }
  }

  /** 1 at the first maximum of each of the {@code inner} columns, 0 elsewhere. */
  private void hardmax(float[] v, float[] m, float[] at) {
    System.arraycopy(v, 0, m, 0, inner);
    java.util.Arrays.fill(at, 0, inner, 0f);
    for (int l = 1; l < len; l++) {
      int base = l * inner;
      for (int j = 0; j < inner; j++) {
        float e = v[base + j];
        boolean b = e > m[j];
        m[j] = b ? e : m[j];
        at[j] = b ? l : at[j];
      }
    }
    for (int l = 0; l < len; l++) {
      int base = l * inner;
      for (int j = 0; j < inner; j++) {
        v[base + j] = at[j] == l ? 1f : 0f;
      }
    }
  }
}

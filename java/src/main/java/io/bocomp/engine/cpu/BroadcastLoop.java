package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The iteration space of an element-wise op over any number of operands with numpy (multidirectional)
 * broadcasting, collapsed as {@link BinaryKernel} does: size-1 output dimensions are dropped and
 * adjacent dimensions where every operand is either full or broadcast in the same way merge, so
 * {@code where([N,1,W], [N,H,W], [1])} becomes rows of {@code W} elements. The output is then
 * {@link #rows} contiguous rows of {@link #inner} elements; each operand's row starts at
 * {@link #offset} and along the row it is either contiguous or one repeated element
 * ({@link #repeated}). {@link #load} stages one strip of a row in a heap array.
 */
final class BroadcastLoop {
  final int rows;
  final int inner;
  private final int[] dims;
  private final int[][] stride;

  /**
   * @param operands each operand's shape (rank at most the output's; null for none)
   * @param out the broadcast output shape
   */
  BroadcastLoop(int[][] operands, int[] out) {
    int r = out.length;
    int m = operands.length;
    int[][] padded = new int[m][];
    for (int o = 0; o < m; o++) {
      padded[o] = pad(operands[o], r);
    }
    int[] d = new int[Math.max(r, 1)];
    boolean[][] broadcast = new boolean[d.length][];
    int k = 0;
    for (int i = 0; i < r; i++) {
      if (out[i] == 1) {
        continue;
      }
      boolean[] pattern = new boolean[m];
      for (int o = 0; o < m; o++) {
        pattern[o] = padded[o][i] == 1;
      }
      if (k > 0 && Arrays.equals(broadcast[k - 1], pattern)) {
        d[k - 1] *= out[i];
      } else {
        d[k] = out[i];
        broadcast[k] = pattern;
        k++;
      }
    }
    if (k == 0) {
      d[0] = 1;
      broadcast[0] = new boolean[m];
      k = 1;
    }
    this.dims = Arrays.copyOf(d, k);
    this.stride = new int[m][k];
    for (int o = 0; o < m; o++) {
      int acc = 1;
      for (int i = k - 1; i >= 0; i--) {
        stride[o][i] = broadcast[i][o] ? 0 : acc;
        if (!broadcast[i][o]) {
          acc *= dims[i];
        }
      }
    }
    this.inner = dims[k - 1];
    int n = 1;
    for (int i = 0; i < k - 1; i++) {
      n *= dims[i];
    }
    this.rows = n;
  }

  private static int[] pad(int[] s, int r) {
    int[] p = new int[r];
    Arrays.fill(p, 1);
    if (s != null) {
      System.arraycopy(s, 0, p, r - s.length, s.length);
    }
    return p;
  }

  /** Elements per parallel task's share, in rows (about {@link Strips#GRAIN} elements). */
  int grain() {
    return Math.max(1, Strips.GRAIN / Math.max(1, inner));
  }

  /** Fills {@code off[o]} with where operand o's part of output row {@code row} starts. */
  void offsets(int row, int[] off) {
    Arrays.fill(off, 0);
    int rem = row;
    for (int i = dims.length - 2; i >= 0; i--) {
      int idx = rem % dims[i];
      rem /= dims[i];
      for (int o = 0; o < off.length; o++) {
        off[o] += idx * stride[o][i];
      }
    }
  }

  /** True if operand o is one element repeated along a row. */
  boolean repeated(int o) {
    return stride[o][dims.length - 1] == 0;
  }

  /** Stages elements {@code [start, start + len)} of operand o's row at {@code off} in dst. */
  void load(int o, FloatBuffer src, int off, int start, float[] dst, int len) {
    if (repeated(o)) {
      Arrays.fill(dst, 0, len, src.get(off));
    } else {
      src.get(off + start, dst, 0, len);
    }
  }
}

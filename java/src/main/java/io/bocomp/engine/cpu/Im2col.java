package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Builds convolution column matrices ({@code K x T}, row {@code (c, i, j)} holding the input
 * element under kernel tap {@code (i, j)} of channel {@code c} for each of {@code T} output
 * pixels) from input rows staged zero-padded in a heap array, so no bounds test runs per element.
 *
 * <ul>
 *   <li>{@link #gather}: any stride; one copy (stride 1) or strided gather per output row and tap.
 *   <li>{@link #band}: stride 1 only. Output pixels are numbered over the staged band's padded
 *       width instead of the output width, so each column row is one contiguous slice of the
 *       staged band: {@code K} long memory copies instead of {@code K * rows} short ones. The
 *       {@code (kw - 1) * dw} padded columns per row are junk outputs that the epilogue drops.
 * </ul>
 */
final class Im2col {
  private Im2col() {}

  /**
   * Stages input rows {@code [ihStart, ihStart + rows)} of channels {@code [c0, c0 + cg)} of one
   * image into {@code stage[ci][row][width]}, the input starting at column {@code pl}, zeros
   * elsewhere (rows outside the image included).
   */
  static void stage(ConvLayout l, FloatBuffer x, int img, int c0, int ihStart, int rows,
      int width, float[] stage) {
    int plane = l.h * l.w;
    for (int ci = 0; ci < l.cg; ci++) {
      int base = (img * l.c + c0 + ci) * plane;
      int sBase = ci * rows * width;
      int first = Math.max(0, -ihStart);
      int last = Math.min(rows, l.h - ihStart);
      if (first >= last) {
        Arrays.fill(stage, sBase, sBase + rows * width, 0f);
        continue;
      }
      Arrays.fill(stage, sBase, sBase + first * width, 0f);
      Arrays.fill(stage, sBase + last * width, sBase + rows * width, 0f);
      if (l.pl == 0 && width == l.w) {
        // rows are contiguous in the input and in the stage: one copy
        x.get(base + (ihStart + first) * l.w, stage, sBase + first * width, (last - first) * l.w);
        continue;
      }
      for (int sr = first; sr < last; sr++) {
        int dst = sBase + sr * width;
        Arrays.fill(stage, dst, dst + l.pl, 0f);
        x.get(base + (ihStart + sr) * l.w, stage, dst + l.pl, l.w);
        Arrays.fill(stage, dst + l.pl + l.w, dst + width, 0f);
      }
    }
  }

  /**
   * Writes the columns of {@code rowsOut} output rows from a staged band (as {@link #stage} left
   * it, {@code rows x width} per channel) into {@code col}, whose rows are {@code ld} long,
   * starting at column {@code colOff}.
   */
  static void gather(ConvLayout l, float[] stage, int rows, int width, int rowsOut, float[] col,
      int colOff, int ld) {
    int ow = l.ow;
    for (int ci = 0; ci < l.cg; ci++) {
      int sBase = ci * rows * width;
      for (int i = 0; i < l.kh; i++) {
        for (int j = 0; j < l.kw; j++) {
          int d0 = ((ci * l.kh + i) * l.kw + j) * ld + colOff;
          for (int r = 0; r < rowsOut; r++) {
            int src = sBase + (r * l.sh + i * l.dh) * width + j * l.dw;
            int d = d0 + r * ow;
            if (l.sw == 1) {
              System.arraycopy(stage, src, col, d, ow);
            } else {
              for (int o = 0; o < ow; o++) {
                col[d + o] = stage[src + o * l.sw];
              }
            }
          }
        }
      }
    }
  }

  /**
   * Stride-1 columns from a band staged in a direct buffer: row {@code (c, i, j)} of {@code col}
   * ({@code len} long) is the band's slice starting at row {@code i * dh}, column {@code j * dw}.
   */
  static void band(ConvLayout l, FloatBuffer stage, int rows, int width, int len,
      FloatBuffer col) {
    for (int ci = 0; ci < l.cg; ci++) {
      int sBase = ci * rows * width;
      for (int i = 0; i < l.kh; i++) {
        for (int j = 0; j < l.kw; j++) {
          int k = (ci * l.kh + i) * l.kw + j;
          col.put(k * len, stage, sBase + i * l.dh * width + j * l.dw, len);
        }
      }
    }
  }
}

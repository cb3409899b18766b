package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * How {@link VectorConvKernel} lays out a band of input rows in a heap array so that every
 * kernel tap of every output pixel is one fixed offset from the pixel's position.
 *
 * <p>The zero-padded input is split into polyphase planes: plane {@code (rp, cp)} holds the padded
 * elements whose row is {@code rp} modulo the row stride and whose column is {@code cp} modulo
 * the column stride ({@code plane[r][c] = xpad[r * sh + rp][c * sw + cp]}; a stride-1 convolution
 * has one plane, the padded input itself). Tap {@code (i, j)} of output pixel {@code (r, c)} then
 * reads plane {@code (i*dh % sh, j*dw % sw)} at row {@code r + i*dh / sh}, column
 * {@code c + j*dw / sw}. Only the planes some tap reads are staged (a 1x1 stride-2 convolution
 * stages one plane of a quarter of the input).
 *
 * <p>Output pixels of a band of {@code rows} output rows are numbered over the planes' width
 * {@link #width} ({@code q = r * width + c}): pixel {@code q}'s tap {@code k = (ci, i, j)} is at
 * {@code q + offset(k)} of the staged band, for every pixel, so the micro-kernel reads
 * consecutive pixels at consecutive addresses. Columns {@code c >= ow} of that numbering are junk
 * outputs (their taps run past the row's end) that the caller drops.
 *
 * <p>Layout of one staged band: {@code [channel][plane][bandRows][width]} plus
 * {@value #SLACK} zero floats, so a tile of pixels past the band's end still reads inside the
 * array.
 */
final class PolyphaseStaging {
  /** Floats after the last plane, read (and ignored) by the last tile of a band. */
  static final int SLACK = 16;

  private final ConvLayout l;
  /** Output rows of the tallest band. */
  final int bandRows;
  /** Staged rows per plane: {@code bandRows} plus the largest tap row offset. */
  final int planeRows;
  /** Staged columns per plane (and the pixel numbering's row pitch). */
  final int width;
  final int planeSize;
  final int channelStride;
  /** Used row phases and column phases, and the plane index of each (rp, cp) pair. */
  private final int[] rowPhases;
  private final int[] colPhases;
  private final int[][] planeOf;
  /** Offset of tap k = (ci * kh + i) * kw + j from its pixel's position. */
  final int[] offsets;

  PolyphaseStaging(ConvLayout l, int bandRows) {
    this.l = l;
    this.bandRows = bandRows;
    int maxColOff = (l.kw - 1) * l.dw / l.sw;
    this.planeRows = bandRows + maxRowOffset(l);
    this.width = l.ow + maxColOff;
    this.planeSize = planeRows * width;
    boolean[] rowUsed = new boolean[l.sh];
    boolean[] colUsed = new boolean[l.sw];
    for (int i = 0; i < l.kh; i++) {
      rowUsed[i * l.dh % l.sh] = true;
    }
    for (int j = 0; j < l.kw; j++) {
      colUsed[j * l.dw % l.sw] = true;
    }
    this.rowPhases = indices(rowUsed);
    this.colPhases = indices(colUsed);
    this.planeOf = new int[l.sh][l.sw];
    int p = 0;
    for (int rp : rowPhases) {
      for (int cp : colPhases) {
        planeOf[rp][cp] = p++;
      }
    }
    this.channelStride = p * planeSize;
    this.offsets = new int[l.kdim];
    for (int ci = 0; ci < l.cg; ci++) {
      for (int i = 0; i < l.kh; i++) {
        for (int j = 0; j < l.kw; j++) {
          int plane = planeOf[i * l.dh % l.sh][j * l.dw % l.sw];
          offsets[(ci * l.kh + i) * l.kw + j] = ci * channelStride + plane * planeSize
              + (i * l.dh / l.sh) * width + j * l.dw / l.sw;
        }
      }
    }
  }

  /** Largest row offset of a tap: staged rows a band needs beyond its output rows. */
  static int maxRowOffset(ConvLayout l) {
    return (l.kh - 1) * l.dh / l.sh;
  }

  /** Staged floats per plane row over all channels and planes (a band's cost per row). */
  static int floatsPerRow(ConvLayout l) {
    int rows = 0;
    int cols = 0;
    for (int p = 0; p < l.sh; p++) {
      rows += phaseUsed(p, l.kh, l.dh, l.sh) ? 1 : 0;
    }
    for (int p = 0; p < l.sw; p++) {
      cols += phaseUsed(p, l.kw, l.dw, l.sw) ? 1 : 0;
    }
    return l.cg * rows * cols * (l.ow + (l.kw - 1) * l.dw / l.sw);
  }

  private static boolean phaseUsed(int phase, int k, int d, int s) {
    for (int i = 0; i < k; i++) {
      if (i * d % s == phase) {
        return true;
      }
    }
    return false;
  }

  private static int[] indices(boolean[] used) {
    int n = 0;
    for (boolean u : used) {
      n += u ? 1 : 0;
    }
    int[] r = new int[n];
    n = 0;
    for (int i = 0; i < used.length; i++) {
      if (used[i]) {
        r[n++] = i;
      }
    }
    return r;
  }

  /** Floats of one staged band, slack included. */
  int stagedFloats() {
    return l.cg * channelStride + SLACK;
  }

  /** Pixels numbered in a band of {@code rows} output rows (junk columns included). */
  int bandLength(int rows) {
    return (rows - 1) * width + l.ow;
  }

  /** Floats of the temporary padded input row {@link #stage} needs (strided convolutions). */
  int rowFloats() {
    return width * l.sw + l.sw;
  }

  /**
   * Stages output rows {@code [r0, r0 + rows)} of image {@code img}, channels
   * {@code [c0, c0 + cg)}, into {@code dst} (at least {@link #stagedFloats()} long);
   * {@code row} is scratch of {@link #rowFloats()} floats.
   */
  void stage(FloatBuffer x, int img, int c0, int r0, int rows, float[] dst, float[] row) {
    int padded = width * l.sw;
    int plane = l.h * l.w;
    int stagedRows = rows + planeRows - bandRows;
    for (int ci = 0; ci < l.cg; ci++) {
      int src = (img * l.c + c0 + ci) * plane;
      int chBase = ci * channelStride;
      for (int rp : rowPhases) {
        for (int rr = 0; rr < stagedRows; rr++) {
          int ih = (r0 + rr) * l.sh + rp - l.pt;
          boolean inside = ih >= 0 && ih < l.h;
          for (int cp : colPhases) {
            int d = chBase + planeOf[rp][cp] * planeSize + rr * width;
            if (!inside) {
              Arrays.fill(dst, d, d + width, 0f);
            } else if (l.sw == 1) {
              copyRow(x, src + ih * l.w, dst, d, width);
            } else {
              if (cp == colPhases[0]) {
                copyRow(x, src + ih * l.w, row, 0, padded);
              }
              for (int c = 0; c < width; c++) {
                dst[d + c] = row[c * l.sw + cp];
              }
            }
          }
        }
      }
    }
    int end = l.cg * channelStride;
    Arrays.fill(dst, end, end + SLACK, 0f);
  }

  /**
   * {@code dst[d .. d + len)} = padded input row starting at column {@code -pl}: zeros, then the
   * row's elements (bulk copy), then zeros.
   */
  private void copyRow(FloatBuffer x, int rowStart, float[] dst, int d, int len) {
    int lo = Math.min(len, l.pl);
    int hi = Math.min(len, l.pl + l.w);
    Arrays.fill(dst, d, d + lo, 0f);
    if (hi > lo) {
      x.get(rowStart + lo - l.pl, dst, d + lo, hi - lo);
    }
    Arrays.fill(dst, d + Math.max(lo, hi), d + len, 0f);
  }
}

package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;
import java.nio.FloatBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * MaxPool and AveragePool over 2-D windows (pads, strides, dilations, ceil_mode, auto_pad,
 * count_include_pad) and GlobalAveragePool / GlobalMaxPool on the blocked layout: one vector
 * holds a pixel's channel block, so a window is a handful of vector max or add operations.
 * Windows are clipped to the input as in {@link PoolKernel} (the input's zero border is not
 * read), with the same divisors. A task is a band of output rows of one image and channel block;
 * bands are cut only when images and blocks alone give fewer than 4 tasks per thread. The task of
 * a block's first band zeros the output border.
 */
final class BlockedPoolKernel extends PoolWindow implements Kernel {
  private static final VectorSpecies<Float> S = BlockedMicroKernels.S;
  private static final int L = BlockedMicroKernels.LANES;

  private final BlockedGeometry gx;
  private final BlockedGeometry gy;
  private final boolean max;
  private final boolean global;
  private final boolean includePad;
  private final int bands;
  private final int rowsPerBand;
  /** Offsets of a window's taps from its first pixel, row by row. */
  private final int[] taps;

  BlockedPoolKernel(KernelSpec spec, BlockedGeometry gx, BlockedGeometry gy, int threads) {
    super(spec.node.opType().startsWith("Global") ? null
        : ConvGeometry.of(spec.node, new int[] {gx.h, gx.w}, null), gx.h, gx.w);
    this.gx = gx;
    this.gy = gy;
    String op = spec.node.opType();
    this.max = op.endsWith("MaxPool");
    this.global = op.startsWith("Global");
    this.includePad = spec.node.intAttr("count_include_pad", 0) != 0;
    int planes = gy.n * gy.blocks;
    int b = 1;
    if (planes < 4 * threads && !global) {
      b = Math.min(gy.h, (4 * threads + planes - 1) / planes);
    }
    this.rowsPerBand = (gy.h + b - 1) / b;
    this.taps = new int[global ? 0 : kh * kw];
    for (int i = 0, t = 0; i < (global ? 0 : kh); i++) {
      for (int j = 0; j < kw; j++) {
        taps[t++] = i * dh * gx.wp * L + j * dw * L;
      }
    }
    this.bands = (gy.h + rowsPerBand - 1) / rowsPerBand;
  }

  /** True if the node is a pooling op this kernel computes (2-D windows, or global). */
  static boolean applies(String op) {
    return op.equals("MaxPool") || op.equals("AveragePool") || op.equals("GlobalAveragePool")
        || op.equals("GlobalMaxPool");
  }

  @Override
  public String toString() {
    return "Pool[blocked " + (max ? "max" : "average") + (global ? " global" : "") + ", bands="
        + bands + "]";
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    int planes = gy.n * gy.blocks;
    pool.parallelFor(planes * bands, (t, worker) -> task(x, y, (t / bands) / gy.blocks,
        (t / bands) % gy.blocks, t % bands));
  }

  private void task(FloatBuffer xBuf, FloatBuffer yBuf, int img, int cb, int band) {
    float[] x = xBuf.array();
    float[] y = yBuf.array();
    int xOff = xBuf.arrayOffset();
    int yOff = yBuf.arrayOffset();
    if (band == 0) {
      gy.zeroBorder(y, yOff, img, cb, cb + 1);
    }
    if (global) {
      int plane = xOff + gx.offset(img, cb, 0, 0);
      int yi = yOff + gy.offset(img, cb, 0, 0);
      if (max) {
        globalMax(x, plane, y, yi);
      } else {
        globalAverage(x, plane, y, yi);
      }
      return;
    }
    int r0 = band * rowsPerBand;
    int r1 = Math.min(gy.h, r0 + rowsPerBand);
    int xPlane = xOff + gx.offset(img, cb, 0, 0);
    int xRow = gx.wp * L;
    for (int r = r0; r < r1; r++) {
      int hs = r * sh - pt;
      int i0 = firstValid(hs, dh);
      int i1 = endValid(hs, dh, kh, gx.h);
      int rowsPadded = endValid(hs, dh, kh, gx.h + pb) - firstValid(hs + pt, dh);
      int yi = yOff + gy.offset(img, cb, r, 0);
      // the run of columns whose windows lie inside the input (when all the window's rows do)
      int cLo = Math.min(gy.w, (pl + sw - 1) / sw);
      int last = gx.w - 1 - (kw - 1) * dw + pl;
      int cHi = i0 == 0 && i1 == kh && last >= 0 ? Math.max(cLo, Math.min(gy.w, last / sw + 1)) : cLo;
      for (int c = 0; c < gy.w; c++, yi += L) {
        if (c == cLo && cLo < cHi) {
          int at = xPlane + hs * xRow + (cLo * sw - pl) * L;
          interior(x, at, cHi - cLo, y, yi);
          yi += (cHi - cLo - 1) * L;
          c = cHi - 1;
          continue;
        }
        int ws = c * sw - pl;
        int j0 = firstValid(ws, dw);
        int j1 = endValid(ws, dw, kw, gx.w);
        int at = xPlane + (hs + i0 * dh) * xRow + (ws + j0 * dw) * L;
        if (max) {
          windowMax(x, at, i1 - i0, j1 - j0, dh * xRow, dw * L, y, yi);
        } else {
          int count = divisor(includePad, rowsPadded, i1 - i0, ws, gx.w);
          windowAverage(x, at, i1 - i0, j1 - j0, dh * xRow, dw * L, count, y, yi);
        }
      }
    }
  }

  // Each window row is reduced in registers (one loop-carried vector in a single loop) and added
  // into the output pixel in memory. A vector carried across nested loops or merged after an `if`
  // (the odd column of a row) is not scalarized by JDK 17's C2: it is boxed, a Float512Vector and
  // a float[] per operation (~1.7 MB per MobileNet pass at batch 50 in GlobalAveragePool alone).

  /**
   * {@code count} windows that lie wholly inside the input, the first at {@code at}, {@code sw}
   * pixels apart, into consecutive output pixels from {@code yi}: one vector carried through the
   * window's taps ({@link #taps}), with the max or sum taken in {@link #windowMax}'s and
   * {@link #windowAverage}'s order (row by row, left to right), so the values are the same; only
   * the clipping arithmetic per pixel is gone.
   */
  private void interior(float[] x, int at, int count, float[] y, int yi) {
    int step = sw * L;
    int k = taps.length;
    if (max) {
      for (int c = 0; c < count; c++, at += step, yi += L) {
        FloatVector m = FloatVector.fromArray(S, x, at);
        for (int t = 1; t < k; t++) {
          m = m.max(FloatVector.fromArray(S, x, at + taps[t]));
        }
        m.intoArray(y, yi);
      }
    } else {
      float d = k;
      for (int c = 0; c < count; c++, at += step, yi += L) {
        FloatVector m = FloatVector.zero(S);
        for (int t = 0; t < k; t++) {
          m = m.add(FloatVector.fromArray(S, x, at + taps[t]));
        }
        m.div(d).intoArray(y, yi);
      }
    }
  }

  /** Max over a {@code rows x cols} window whose first pixel is at {@code at}. */
  private static void windowMax(float[] x, int at, int rows, int cols, int rowStep, int colStep,
      float[] y, int yi) {
    Arrays.fill(y, yi, yi + L, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < rows; i++, at += rowStep) {
      maxRow(x, at, cols, colStep, y, yi);
    }
  }

  /** Sum over a window divided by {@code count} (0 for an empty window, whose count is 0). */
  private static void windowAverage(float[] x, int at, int rows, int cols, int rowStep,
      int colStep, int count, float[] y, int yi) {
    Arrays.fill(y, yi, yi + L, 0f);
    for (int i = 0; i < rows; i++, at += rowStep) {
      sumRow(x, at, cols, colStep, y, yi);
    }
    divide(y, yi, Math.max(count, 1));
  }

  /** Global max of one image's block. */
  private void globalMax(float[] x, int plane, float[] y, int yi) {
    Arrays.fill(y, yi, yi + L, Float.NEGATIVE_INFINITY);
    for (int r = 0; r < gx.h; r++) {
      maxRow(x, plane + r * gx.wp * L, gx.w, L, y, yi);
    }
  }

  /** Global average of one image's block. */
  private void globalAverage(float[] x, int plane, float[] y, int yi) {
    Arrays.fill(y, yi, yi + L, 0f);
    for (int r = 0; r < gx.h; r++) {
      sumRow(x, plane + r * gx.wp * L, gx.w, L, y, yi);
    }
    divide(y, yi, gx.h * gx.w);
  }

  /** {@code y[yi..] = max(y[yi..], max of cols pixels from at, step apart)}. */
  private static void maxRow(float[] x, int at, int cols, int step, float[] y, int yi) {
    FloatVector acc = FloatVector.fromArray(S, y, yi);
    for (int j = 0; j < cols; j++, at += step) {
      acc = acc.max(FloatVector.fromArray(S, x, at));
    }
    acc.intoArray(y, yi);
  }

  /** {@code y[yi..] += sum of cols pixels from at, step apart}. */
  private static void sumRow(float[] x, int at, int cols, int step, float[] y, int yi) {
    FloatVector acc = FloatVector.fromArray(S, y, yi);
    for (int j = 0; j < cols; j++, at += step) {
      acc = acc.add(FloatVector.fromArray(S, x, at));
    }
    acc.intoArray(y, yi);
  }

  /** Divides one output pixel's lanes in place (scalar: the value is already in memory). */
  private static void divide(float[] y, int yi, int count) {
    float d = count;
    for (int k = 0; k < L; k++) {
      y[yi + k] /= d;
    }
  }
}

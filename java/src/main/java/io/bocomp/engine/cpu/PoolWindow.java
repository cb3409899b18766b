package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;

/**
 * The window arithmetic the pooling kernels share ({@link PoolKernel} on NCHW planes,
 * {@link BlockedPoolKernel} on the blocked layout) on their {@link Window2d}. Windows are clipped
 * to the input; AveragePool's divisor ({@link #divisor}) is the number of window positions inside
 * the input ({@code count_include_pad=0}) or inside the padded input
 * ({@code count_include_pad=1}; positions that ceil_mode adds past the end padding never count).
 *
 * <p>Limits: two spatial axes (1-D pooling is given as a 1 x W window by {@link PoolKernel}); a
 * global pool is a window of the size the kernel passes, stride and dilation 1, no padding.
 */
abstract class PoolWindow extends Window2d {
  /**
   * @param g the node's geometry, or null for a global pool
   * @param globalKh window height of a global pool
   * @param globalKw window width of a global pool
   */
  PoolWindow(ConvGeometry g, int globalKh, int globalKw) {
    super(g, false, globalKh, globalKw);
  }

  /** First window index (inclusive) whose position {@code start + i * d} is {@code >= 0}. */
  static int firstValid(int start, int d) {
    return start >= 0 ? 0 : (-start + d - 1) / d;
  }

  /** Number of window indices {@code i < k} with {@code start + i * d < limit}. */
  static int endValid(int start, int d, int k, int limit) {
    if (start >= limit) {
      return 0;
    }
    return Math.min(k, (limit - start + d - 1) / d);
  }

  /**
   * AveragePool's divisor of the window whose first column is {@code ws} (before clipping) over
   * an input {@code iw} wide.
   *
   * @param rowsPadded the window's rows inside the padded input (used with count_include_pad)
   * @param rows the window's rows inside the input ({@code i1 - i0}, possibly negative: none)
   */
  int divisor(boolean includePad, int rowsPadded, int rows, int ws, int iw) {
    if (includePad) {
      return rowsPadded * (endValid(ws, dw, kw, iw + pr) - firstValid(ws + pl, dw));
    }
    return Math.max(0, rows) * Math.max(0, endValid(ws, dw, kw, iw) - firstValid(ws, dw));
  }
}

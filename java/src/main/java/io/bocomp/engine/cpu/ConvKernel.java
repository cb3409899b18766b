package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * Conv over 1-D and 2-D inputs (groups, pads, auto_pad, strides, dilations) through OpenBLAS
 * SGEMM, with the bias, a fused residual Add and a fused activation applied in the epilogue
 * ({@link ConvEpilogue}). {@link #create} picks the algorithm:
 *
 * <ul>
 *   <li>when the Vector API is available ({@link VectorSupport}: JVM started with
 *       {@code --add-modules jdk.incubator.vector}, not turned off), ungrouped or wide-group
 *       convolutions with constant weights use {@link VectorWinogradKernel} (3x3 stride 1, at
 *       least 64 input and output channels, outputs of at least 8x8) or else {@link
 *       VectorConvKernel} (direct);
 *       1.2-1.4x faster end to end than the kernels below (benchmarks/results/forward.md);
 *   <li><b>Winograd F(2x2, 3x3)</b> ({@link WinogradConvKernel}) for 3x3 stride-1 convolutions
 *       with at least 64 channels on images of at least 10x10;
 *   <li><b>direct</b> ({@link DirectConvKernel}) for grouped convolutions with at most
 *       {@value #DIRECT_MAX_GROUP_CHANNELS} input channels per group, depthwise included;
 *   <li><b>pointwise</b> (1x1, stride 1, no padding, one group, large images): the input image is
 *       already the column matrix; SGEMM reads it in place and writes the output in place;
 *   <li><b>im2col</b> otherwise: the output is cut into tiles of whole output rows of one image,
 *       or of several whole images when images are small, so that a tile's {@code K x T} column
 *       matrix stays in L2 and GEMMs stay wide. A worker builds a tile's columns ({@link Im2col};
 *       contiguous band slices for stride 1) and runs a single-threaded SGEMM, then the epilogue
 *       while the tile is in cache.
 * </ul>
 */
final class ConvKernel implements Kernel {
  static final int DIRECT_MAX_GROUP_CHANNELS = 4;
  /**
   * Whether eligible convolutions use {@link WinogradConvKernel}; off with
   * {@code -Dbocomp.conv.winograd=false}, for A/B timings against im2col.
   */
  static boolean winograd =
      Boolean.parseBoolean(System.getProperty("bocomp.conv.winograd", "true"));
  /** Target floats in one tile's column matrix (256 KiB, half of a Zen 2 L2). */
  private static final int COL_BUDGET = 64 * 1024;
  private static final int MIN_TILE_COLUMNS = 128;
  private static final int MAX_TILE_COLUMNS = 4096;
  /** Below this many output pixels per image, 1x1 convolutions batch images through im2col. */
  private static final int POINTWISE_MIN_PIXELS = 256;

  private final ConvLayout l;
  private final boolean hasBias;
  private final int residualInput;
  private final ConvEpilogue epilogue;
  private final boolean pointwise;
  private final boolean band;
  /** Output rows per tile (single-image tiles) or 0. */
  private final int rowsPerTile;
  /** Images per tile (multi-image tiles) or 0. */
  private final int imagesPerTile;
  /** Output channels per tile (channel tiles: all pixels of all images, a slice of channels) or 0. */
  private final int channelsPerTile;
  private final int tiles;

  private ConvKernel(KernelSpec spec, ConvLayout l, int threads) {
    this.l = l;
    this.hasBias = spec.has(2);
    this.residualInput = spec.residual ? spec.node.inputs().size() : -1;
    this.epilogue = new ConvEpilogue(hasBias, spec.residual, spec.activation);
    int ohw = l.outPlane();
    this.pointwise = l.groups == 1 && l.kh == 1 && l.kw == 1 && l.sh == 1 && l.sw == 1
        && l.pt == 0 && l.pl == 0 && l.oh == l.h && l.ow == l.w && ohw >= POINTWISE_MIN_PIXELS;
    int target = Math.max(MIN_TILE_COLUMNS, Math.min(MAX_TILE_COLUMNS, COL_BUDGET / l.kdim));
    int pixels = l.n * ohw;
    if (!pointwise && l.groups == 1 && pixels < l.m && threads > 1) {
      // Few pixels, many channels (late layers at small batch): split the weights, not the
      // pixels, so SGEMM packs each weight once; the small column matrix is built per tile.
      channelsPerTile = Math.max(16, ceilDiv(ceilDiv(l.m, threads), 16) * 16);
      rowsPerTile = 0;
      imagesPerTile = l.n;
      tiles = ceilDiv(l.m, channelsPerTile);
    } else if (pointwise || ohw >= target || l.n < threads) {
      channelsPerTile = 0;
      int rows = Math.max(1, Math.min(l.oh, target / l.ow));
      int perImage = ceilDiv(l.oh, rows);
      if (l.n * perImage < threads && l.oh > 1) {
        perImage = Math.min(l.oh, ceilDiv(threads, l.n));
        rows = ceilDiv(l.oh, perImage);
        perImage = ceilDiv(l.oh, rows);
      }
      rowsPerTile = rows;
      imagesPerTile = 0;
      tiles = l.n * perImage;
    } else {
      int per = Math.max(1, target / ohw);
      if (ceilDiv(l.n, per) < threads) {
        per = Math.max(1, ceilDiv(l.n, threads));
      }
      channelsPerTile = 0;
      rowsPerTile = 0;
      imagesPerTile = per;
      tiles = ceilDiv(l.n, per);
    }
    this.band = !pointwise && rowsPerTile > 0 && l.sh == 1 && l.sw == 1;
  }

  static Kernel create(KernelSpec spec, int threads) {
    ConvLayout l = new ConvLayout(spec);
    if (l.groups > 1 && l.cg <= DIRECT_MAX_GROUP_CHANNELS) {
      return new DirectConvKernel(spec, l);
    }
    if (VectorSupport.enabled() && winograd && VectorWinogradKernel.applies(l, spec)) {
      return new VectorWinogradKernel(spec, l, threads);
    }
    if (VectorSupport.enabled() && VectorConvKernel.applies(spec)) {
      return new VectorConvKernel(spec, l, threads);
    }
    if (winograd && WinogradConvKernel.applies(l)) {
      return new WinogradConvKernel(spec, l, threads);
    }
    return new ConvKernel(spec, l, threads);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  @Override
  public String toString() {
    return "Conv[" + (pointwise ? "pointwise" : band ? "im2col band" : "im2col") + ", tiles="
        + tiles + ", rows/tile=" + rowsPerTile + ", images/tile=" + imagesPerTile
        + ", channels/tile=" + channelsPerTile + ", K=" + l.kdim + "]";
  }

  /** GEMM columns of a band tile of {@code rows} output rows (junk columns included). */
  private int bandLength(int rows) {
    return (rows - 1) * l.stagedWidth() + l.ow;
  }

  @Override
  public void reserve(Scratch s) {
    int ohw = l.outPlane();
    int cols = imagesPerTile > 0 ? imagesPerTile * ohw : rowsPerTile * l.ow;
    s.floats(Scratch.ROW_A, Math.max(cols, ohw));
    s.floats(Scratch.ROW_B, Math.max(cols, ohw));
    if (pointwise) {
      return;
    }
    int rowsOut = imagesPerTile > 0 ? l.oh : rowsPerTile;
    int staged = l.cg * l.stagedRows(rowsOut) * l.stagedWidth();
    s.floats(Scratch.STAGE, staged);
    if (band) {
      int len = bandLength(rowsPerTile);
      s.direct(Scratch.DIRECT_STAGE, staged);
      s.direct(Scratch.DIRECT_COL, l.kdim * len);
      s.direct(Scratch.DIRECT_OUT, l.m * len);
      s.floats(Scratch.ROW_C, len);
      return;
    }
    s.floats(Scratch.TILE, l.kdim * cols);
    s.direct(Scratch.DIRECT_COL, l.kdim * cols);
    if (imagesPerTile > 0) {
      s.direct(Scratch.DIRECT_OUT, l.m * cols);
    }
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer wt = in[1];
    FloatBuffer bias = hasBias ? in[2] : null;
    FloatBuffer res = residualInput >= 0 ? in[residualInput] : null;
    FloatBuffer y = out[0];
    pool.parallelFor(tiles, (t, worker) -> {
      Scratch s = pool.scratch(worker);
      if (pointwise) {
        pointwise(x, wt, bias, res, y, t, s);
      } else if (channelsPerTile > 0) {
        channelTile(x, wt, bias, res, y, t, s);
      } else if (imagesPerTile > 0) {
        multiImageTile(x, wt, bias, res, y, t, s);
      } else if (band) {
        bandTile(x, wt, bias, res, y, t, s);
      } else {
        rowTile(x, wt, bias, res, y, t, s);
      }
    });
  }

  /** Stores the epilogue of GEMM rows that were written in place into the output. */
  private void finishInPlace(FloatBuffer y, FloatBuffer bias, FloatBuffer res, int img, int p0,
      int cols, Scratch s) {
    if (!epilogue.active()) {
      return;
    }
    int ohw = l.outPlane();
    float[] row = s.floats(Scratch.ROW_A, cols);
    float[] rrow = s.floats(Scratch.ROW_B, cols);
    for (int mo = 0; mo < l.m; mo++) {
      int off = (img * l.m + mo) * ohw + p0;
      y.get(off, row, 0, cols);
      epilogue.apply(row, cols, bias, mo, res, off, rrow);
      y.put(off, row, 0, cols);
    }
  }

  private void rowTile(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int t, Scratch s) {
    int perImage = ceilDiv(l.oh, rowsPerTile);
    int img = t / perImage;
    int r0 = (t % perImage) * rowsPerTile;
    int r1 = Math.min(l.oh, r0 + rowsPerTile);
    int cols = (r1 - r0) * l.ow;
    int ohw = l.outPlane();
    int rows = l.stagedRows(r1 - r0);
    int width = l.stagedWidth();
    float[] stage = s.floats(Scratch.STAGE, l.cg * rows * width);
    float[] col = s.floats(Scratch.TILE, l.kdim * cols);
    FloatBuffer colBuf = s.direct(Scratch.DIRECT_COL, l.kdim * cols);
    for (int g = 0; g < l.groups; g++) {
      Im2col.stage(l, x, img, g * l.cg, r0 * l.sh - l.pt, rows, width, stage);
      Im2col.gather(l, stage, rows, width, r1 - r0, col, 0, cols);
      colBuf.put(0, col, 0, l.kdim * cols);
      Blas.sgemm(false, false, l.mg, cols, l.kdim, 1f, wt, g * l.mg * l.kdim, l.kdim, colBuf, 0,
          cols, 0f, y, (img * l.m + g * l.mg) * ohw + r0 * l.ow, ohw);
    }
    finishInPlace(y, bias, res, img, r0 * l.ow, cols, s);
  }

  private void bandTile(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int t, Scratch s) {
    int perImage = ceilDiv(l.oh, rowsPerTile);
    int img = t / perImage;
    int r0 = (t % perImage) * rowsPerTile;
    int r1 = Math.min(l.oh, r0 + rowsPerTile);
    int rowsOut = r1 - r0;
    int rows = l.stagedRows(rowsOut);
    int width = l.stagedWidth();
    int staged = l.cg * rows * width;
    int len = bandLength(rowsOut);
    float[] stage = s.floats(Scratch.STAGE, staged);
    FloatBuffer stageBuf = s.direct(Scratch.DIRECT_STAGE, staged);
    FloatBuffer col = s.direct(Scratch.DIRECT_COL, l.kdim * len);
    FloatBuffer tmp = s.direct(Scratch.DIRECT_OUT, l.m * len);
    for (int g = 0; g < l.groups; g++) {
      Im2col.stage(l, x, img, g * l.cg, r0 - l.pt, rows, width, stage);
      stageBuf.put(0, stage, 0, staged);
      Im2col.band(l, stageBuf, rows, width, len, col);
      Blas.sgemm(false, false, l.mg, len, l.kdim, 1f, wt, g * l.mg * l.kdim, l.kdim, col, 0,
          len, 0f, tmp, g * l.mg * len, len);
    }
    int ohw = l.outPlane();
    int cols = rowsOut * l.ow;
    float[] wide = s.floats(Scratch.ROW_C, len);
    float[] row = s.floats(Scratch.ROW_A, cols);
    float[] rrow = s.floats(Scratch.ROW_B, cols);
    for (int mo = 0; mo < l.m; mo++) {
      tmp.get(mo * len, wide, 0, len);
      for (int r = 0; r < rowsOut; r++) {
        System.arraycopy(wide, r * width, row, r * l.ow, l.ow);
      }
      int off = (img * l.m + mo) * ohw + r0 * l.ow;
      epilogue.apply(row, cols, bias, mo, res, off, rrow);
      y.put(off, row, 0, cols);
    }
  }

  private void multiImageTile(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int t, Scratch s) {
    int n0 = t * imagesPerTile;
    int n1 = Math.min(l.n, n0 + imagesPerTile);
    int ohw = l.outPlane();
    int cols = (n1 - n0) * ohw;
    int rows = l.stagedRows(l.oh);
    int width = l.stagedWidth();
    float[] stage = s.floats(Scratch.STAGE, l.cg * rows * width);
    float[] col = s.floats(Scratch.TILE, l.kdim * cols);
    FloatBuffer colBuf = s.direct(Scratch.DIRECT_COL, l.kdim * cols);
    FloatBuffer tmp = s.direct(Scratch.DIRECT_OUT, l.m * cols);
    for (int g = 0; g < l.groups; g++) {
      for (int img = n0; img < n1; img++) {
        Im2col.stage(l, x, img, g * l.cg, -l.pt, rows, width, stage);
        Im2col.gather(l, stage, rows, width, l.oh, col, (img - n0) * ohw, cols);
      }
      colBuf.put(0, col, 0, l.kdim * cols);
      Blas.sgemm(false, false, l.mg, cols, l.kdim, 1f, wt, g * l.mg * l.kdim, l.kdim, colBuf, 0,
          cols, 0f, tmp, g * l.mg * cols, cols);
    }
    float[] row = s.floats(Scratch.ROW_A, ohw);
    float[] rrow = s.floats(Scratch.ROW_B, ohw);
    for (int mo = 0; mo < l.m; mo++) {
      for (int img = n0; img < n1; img++) {
        int off = (img * l.m + mo) * ohw;
        tmp.get(mo * cols + (img - n0) * ohw, row, 0, ohw);
        epilogue.apply(row, ohw, bias, mo, res, off, rrow);
        y.put(off, row, 0, ohw);
      }
    }
  }

  /** All pixels of all images, output channels [t * channelsPerTile, ...). One group. */
  private void channelTile(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int t, Scratch s) {
    int m0 = t * channelsPerTile;
    int m1 = Math.min(l.m, m0 + channelsPerTile);
    int ohw = l.outPlane();
    int cols = l.n * ohw;
    int rows = l.stagedRows(l.oh);
    int width = l.stagedWidth();
    float[] stage = s.floats(Scratch.STAGE, l.cg * rows * width);
    float[] col = s.floats(Scratch.TILE, l.kdim * cols);
    FloatBuffer colBuf = s.direct(Scratch.DIRECT_COL, l.kdim * cols);
    FloatBuffer tmp = s.direct(Scratch.DIRECT_OUT, l.m * cols);
    for (int img = 0; img < l.n; img++) {
      Im2col.stage(l, x, img, 0, -l.pt, rows, width, stage);
      Im2col.gather(l, stage, rows, width, l.oh, col, img * ohw, cols);
    }
    colBuf.put(0, col, 0, l.kdim * cols);
    Blas.sgemm(false, false, m1 - m0, cols, l.kdim, 1f, wt, m0 * l.kdim, l.kdim, colBuf, 0, cols,
        0f, tmp, 0, cols);
    float[] row = s.floats(Scratch.ROW_A, ohw);
    float[] rrow = s.floats(Scratch.ROW_B, ohw);
    for (int mo = m0; mo < m1; mo++) {
      for (int img = 0; img < l.n; img++) {
        int off = (img * l.m + mo) * ohw;
        tmp.get((mo - m0) * cols + img * ohw, row, 0, ohw);
        epilogue.apply(row, ohw, bias, mo, res, off, rrow);
        y.put(off, row, 0, ohw);
      }
    }
  }

  private void pointwise(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int t, Scratch s) {
    int perImage = ceilDiv(l.oh, rowsPerTile);
    int img = t / perImage;
    int ohw = l.outPlane();
    int p0 = (t % perImage) * rowsPerTile * l.ow;
    int p1 = Math.min(ohw, p0 + rowsPerTile * l.ow);
    int cols = p1 - p0;
    Blas.sgemm(false, false, l.m, cols, l.c, 1f, wt, 0, l.c, x, img * l.c * ohw + p0, ohw, 0f, y,
        img * l.m * ohw + p0, ohw);
    finishInPlace(y, bias, res, img, p0, cols, s);
  }
}

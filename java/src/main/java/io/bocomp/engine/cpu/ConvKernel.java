package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Conv over 1-D and 2-D inputs (groups, pads, auto_pad, strides, dilations), with the bias, a
 * fused residual Add and a fused activation applied in the epilogue. Three algorithms:
 *
 * <ul>
 *   <li><b>im2col + SGEMM</b> (the general case): the output is cut into tiles of whole output
 *       rows of one image, or of several whole images when images are small, so that the
 *       {@code K x T} column matrix ({@code K = C/groups * kh * kw}) of a tile stays in L2 and
 *       GEMMs stay wide. A worker builds a tile's columns in a heap array from staged, zero-padded
 *       input rows, copies them into its direct buffer in one bulk copy and calls a
 *       single-threaded SGEMM writing straight into the output (or, for multi-image tiles, into a
 *       scratch matrix that the epilogue scatters to NCHW).
 *   <li><b>pointwise</b> (1x1, stride 1, no padding, one group, large images): the input image
 *       is already the column matrix; SGEMM reads it in place.
 *   <li><b>direct</b> (grouped convolutions with at most {@value #DIRECT_MAX_GROUP_CHANNELS}
 *       input channels per group, depthwise included): per (image, group), the group's input
 *       planes are staged zero-padded and each output plane is accumulated kernel tap by kernel
 *       tap in vectorizable row loops, instead of many tiny GEMMs.
 * </ul>
 */
final class ConvKernel implements Kernel {
  static final int DIRECT_MAX_GROUP_CHANNELS = 4;
  /** Target floats in one tile's column matrix (256 KiB, half of a Zen 2 L2). */
  private static final int COL_BUDGET = 64 * 1024;
  private static final int MIN_TILE_COLUMNS = 128;
  private static final int MAX_TILE_COLUMNS = 4096;
  /** Below this many output pixels per image, 1x1 convolutions batch images through im2col. */
  private static final int POINTWISE_MIN_PIXELS = 256;

  private enum Algorithm {
    IM2COL, POINTWISE, DIRECT
  }

  private final int n;
  private final int c;
  private final int h;
  private final int w;
  private final int m;
  private final int groups;
  private final int cg;
  private final int mg;
  private final int kh;
  private final int kw;
  private final int sh;
  private final int sw;
  private final int dh;
  private final int dw;
  private final int pt;
  private final int pl;
  private final int oh;
  private final int ow;
  private final int kdim;
  private final boolean hasBias;
  private final int residualInput;
  private final Activation activation;
  private final Algorithm algorithm;
  /** Output rows per tile (single-image tiles) or 0. */
  private final int rowsPerTile;
  /** Images per tile (multi-image tiles) or 0. */
  private final int imagesPerTile;
  private final int tiles;

  private ConvKernel(KernelSpec spec, int threads) {
    int[] x = spec.in(0);
    int[] wt = spec.in(1);
    if (x.length != 3 && x.length != 4) {
      throw spec.unsupported("Conv over " + (x.length - 2) + " spatial dimensions");
    }
    boolean oneD = x.length == 3;
    ConvGeometry g = ConvGeometry.of(spec.node, Arrays.copyOfRange(x, 2, x.length),
        Arrays.copyOfRange(wt, 2, wt.length));
    this.n = x[0];
    this.c = x[1];
    this.h = oneD ? 1 : x[2];
    this.w = oneD ? x[2] : x[3];
    this.m = wt[0];
    this.groups = (int) spec.node.intAttr("group", 1);
    this.cg = c / groups;
    this.mg = m / groups;
    int s = oneD ? -1 : 0; // index of the height dimension in the geometry
    this.kh = oneD ? 1 : g.kernel(0);
    this.kw = g.kernel(s + 1);
    this.sh = oneD ? 1 : g.stride(0);
    this.sw = g.stride(s + 1);
    this.dh = oneD ? 1 : g.dilation(0);
    this.dw = g.dilation(s + 1);
    this.pt = oneD ? 0 : g.padBegin(0);
    this.pl = g.padBegin(s + 1);
    this.oh = oneD ? 1 : g.outSize(0);
    this.ow = g.outSize(s + 1);
    this.kdim = cg * kh * kw;
    this.hasBias = spec.has(2);
    this.residualInput = spec.residual ? spec.node.inputs().size() : -1;
    this.activation = spec.activation;
    int ohw = oh * ow;
    if (groups > 1 && cg <= DIRECT_MAX_GROUP_CHANNELS) {
      algorithm = Algorithm.DIRECT;
    } else if (groups == 1 && kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0
        && oh == h && ow == w && ohw >= POINTWISE_MIN_PIXELS) {
      algorithm = Algorithm.POINTWISE;
    } else {
      algorithm = Algorithm.IM2COL;
    }
    int target = Math.max(MIN_TILE_COLUMNS, Math.min(MAX_TILE_COLUMNS, COL_BUDGET / kdim));
    if (algorithm == Algorithm.DIRECT) {
      rowsPerTile = 0;
      imagesPerTile = 0;
      tiles = n * groups;
    } else if (algorithm == Algorithm.POINTWISE || ohw >= target || n < threads) {
      int rows = Math.max(1, Math.min(oh, target / ow));
      int perImage = ceilDiv(oh, rows);
      if (n * perImage < threads && oh > 1) {
        perImage = Math.min(oh, ceilDiv(threads, n));
        rows = ceilDiv(oh, perImage);
        perImage = ceilDiv(oh, rows);
      }
      rowsPerTile = rows;
      imagesPerTile = 0;
      tiles = n * perImage;
    } else {
      int per = Math.max(1, target / ohw);
      if (ceilDiv(n, per) < threads) {
        per = Math.max(1, ceilDiv(n, threads));
      }
      rowsPerTile = 0;
      imagesPerTile = per;
      tiles = ceilDiv(n, per);
    }
  }

  static Kernel create(KernelSpec spec, int threads) {
    return new ConvKernel(spec, threads);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  @Override
  public String toString() {
    return "Conv[" + algorithm + ", tiles=" + tiles + ", rows/tile=" + rowsPerTile
        + ", images/tile=" + imagesPerTile + ", K=" + kdim + "]";
  }

  @Override
  public void reserve(Scratch s) {
    int ohw = oh * ow;
    if (algorithm == Algorithm.DIRECT) {
      s.floats(Scratch.STAGE, cg * ((oh - 1) * sh + (kh - 1) * dh + 1)
          * ((ow - 1) * sw + (kw - 1) * dw + 1));
      s.floats(Scratch.ACC, ohw);
      s.floats(Scratch.PARAMS, mg * kdim);
      s.floats(Scratch.ROW_B, ohw);
      return;
    }
    int cols = imagesPerTile > 0 ? imagesPerTile * ohw : rowsPerTile * ow;
    s.floats(Scratch.ROW_A, Math.max(cols, ohw));
    s.floats(Scratch.ROW_B, Math.max(cols, ohw));
    if (algorithm == Algorithm.POINTWISE) {
      return;
    }
    int rowsOut = imagesPerTile > 0 ? oh : rowsPerTile;
    s.floats(Scratch.STAGE, ((rowsOut - 1) * sh + (kh - 1) * dh + 1)
        * Math.max(pl + w, (ow - 1) * sw + (kw - 1) * dw + 1));
    s.floats(Scratch.TILE, kdim * cols);
    s.direct(Scratch.DIRECT_COL, kdim * cols);
    if (imagesPerTile > 0) {
      s.direct(Scratch.DIRECT_OUT, m * cols);
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
      switch (algorithm) {
        case DIRECT:
          direct(x, wt, bias, res, y, t / groups, t % groups, s);
          break;
        case POINTWISE:
          pointwise(x, wt, bias, res, y, t, s);
          break;
        default:
          if (imagesPerTile > 0) {
            multiImageTile(x, wt, bias, res, y, t, s);
          } else {
            rowTile(x, wt, bias, res, y, t, s);
          }
      }
    });
  }

  // ------------------------------------------------------------------ im2col tiles

  private void rowTile(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int t, Scratch s) {
    int perImage = ceilDiv(oh, rowsPerTile);
    int img = t / perImage;
    int r0 = (t % perImage) * rowsPerTile;
    int r1 = Math.min(oh, r0 + rowsPerTile);
    int cols = (r1 - r0) * ow;
    int ohw = oh * ow;
    float[] col = s.floats(Scratch.TILE, kdim * cols);
    FloatBuffer colBuf = s.direct(Scratch.DIRECT_COL, kdim * cols);
    for (int g = 0; g < groups; g++) {
      im2col(x, img, g, r0, r1, col, 0, cols, s);
      colBuf.put(0, col, 0, kdim * cols);
      Blas.sgemm(false, false, mg, cols, kdim, 1f, wt, g * mg * kdim, kdim, colBuf, 0, cols, 0f,
          y, (img * m + g * mg) * ohw + r0 * ow, ohw);
    }
    if (hasBias || res != null || activation != null) {
      float[] row = s.floats(Scratch.ROW_A, cols);
      float[] rrow = res == null ? null : s.floats(Scratch.ROW_B, cols);
      for (int mo = 0; mo < m; mo++) {
        int off = (img * m + mo) * ohw + r0 * ow;
        y.get(off, row, 0, cols);
        finish(row, cols, bias, mo, res, off, rrow);
        y.put(off, row, 0, cols);
      }
    }
  }

  private void multiImageTile(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int t, Scratch s) {
    int n0 = t * imagesPerTile;
    int n1 = Math.min(n, n0 + imagesPerTile);
    int ohw = oh * ow;
    int cols = (n1 - n0) * ohw;
    float[] col = s.floats(Scratch.TILE, kdim * cols);
    FloatBuffer colBuf = s.direct(Scratch.DIRECT_COL, kdim * cols);
    FloatBuffer tmp = s.direct(Scratch.DIRECT_OUT, m * cols);
    for (int g = 0; g < groups; g++) {
      for (int img = n0; img < n1; img++) {
        im2col(x, img, g, 0, oh, col, (img - n0) * ohw, cols, s);
      }
      colBuf.put(0, col, 0, kdim * cols);
      Blas.sgemm(false, false, mg, cols, kdim, 1f, wt, g * mg * kdim, kdim, colBuf, 0, cols, 0f,
          tmp, g * mg * cols, cols);
    }
    float[] row = s.floats(Scratch.ROW_A, ohw);
    float[] rrow = res == null ? null : s.floats(Scratch.ROW_B, ohw);
    for (int mo = 0; mo < m; mo++) {
      for (int img = n0; img < n1; img++) {
        int off = (img * m + mo) * ohw;
        tmp.get(mo * cols + (img - n0) * ohw, row, 0, ohw);
        finish(row, ohw, bias, mo, res, off, rrow);
        y.put(off, row, 0, ohw);
      }
    }
  }

  /** Bias, residual and activation on one output row segment held in {@code row}. */
  private void finish(float[] row, int len, FloatBuffer bias, int channel, FloatBuffer res,
      int off, float[] rrow) {
    if (hasBias) {
      float b = bias.get(channel);
      for (int i = 0; i < len; i++) {
        row[i] += b;
      }
    }
    if (res != null) {
      res.get(off, rrow, 0, len);
      for (int i = 0; i < len; i++) {
        row[i] += rrow[i];
      }
    }
    if (activation != null) {
      activation.apply(row, 0, len);
    }
  }

  /**
   * Writes the columns of output rows [r0, r1) of one image and group into {@code col} (row
   * length {@code ld}, starting at column {@code colOff}). Input rows are staged zero-padded so
   * the inner loop is a plain copy (stride 1) or a strided gather.
   */
  private void im2col(FloatBuffer x, int img, int g, int r0, int r1, float[] col, int colOff,
      int ld, Scratch s) {
    int rowsOut = r1 - r0;
    int ihStart = r0 * sh - pt;
    int srows = (rowsOut - 1) * sh + (kh - 1) * dh + 1;
    int spw = Math.max(pl + w, (ow - 1) * sw + (kw - 1) * dw + 1);
    float[] stage = s.floats(Scratch.STAGE, srows * spw);
    for (int ci = 0; ci < cg; ci++) {
      int base = (img * c + g * cg + ci) * h * w;
      for (int sr = 0; sr < srows; sr++) {
        int ih = ihStart + sr;
        int dst = sr * spw;
        if (ih < 0 || ih >= h) {
          Arrays.fill(stage, dst, dst + spw, 0f);
        } else {
          if (pl > 0) {
            Arrays.fill(stage, dst, dst + pl, 0f);
          }
          x.get(base + ih * w, stage, dst + pl, w);
          if (pl + w < spw) {
            Arrays.fill(stage, dst + pl + w, dst + spw, 0f);
          }
        }
      }
      for (int i = 0; i < kh; i++) {
        for (int j = 0; j < kw; j++) {
          int d0 = ((ci * kh + i) * kw + j) * ld + colOff;
          for (int r = 0; r < rowsOut; r++) {
            int src = (r * sh + i * dh) * spw + j * dw;
            int d = d0 + r * ow;
            if (sw == 1) {
              System.arraycopy(stage, src, col, d, ow);
            } else {
              for (int o = 0; o < ow; o++) {
                col[d + o] = stage[src + o * sw];
              }
            }
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ pointwise

  private void pointwise(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int t, Scratch s) {
    int perImage = ceilDiv(oh, rowsPerTile);
    int img = t / perImage;
    int p0 = (t % perImage) * rowsPerTile * ow;
    int p1 = Math.min(oh * ow, p0 + rowsPerTile * ow);
    int cols = p1 - p0;
    int ohw = oh * ow;
    Blas.sgemm(false, false, m, cols, c, 1f, wt, 0, c, x, img * c * ohw + p0, ohw, 0f, y,
        img * m * ohw + p0, ohw);
    if (hasBias || res != null || activation != null) {
      float[] row = s.floats(Scratch.ROW_A, cols);
      float[] rrow = res == null ? null : s.floats(Scratch.ROW_B, cols);
      for (int mo = 0; mo < m; mo++) {
        int off = (img * m + mo) * ohw + p0;
        y.get(off, row, 0, cols);
        finish(row, cols, bias, mo, res, off, rrow);
        y.put(off, row, 0, cols);
      }
    }
  }

  // ------------------------------------------------------------------ direct (grouped)

  private void direct(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int img, int g, Scratch s) {
    int ph = (oh - 1) * sh + (kh - 1) * dh + 1;
    int pw = (ow - 1) * sw + (kw - 1) * dw + 1;
    int plane = ph * pw;
    int ohw = oh * ow;
    float[] pad = s.floats(Scratch.STAGE, cg * plane);
    float[] acc = s.floats(Scratch.ACC, ohw);
    float[] wts = s.floats(Scratch.PARAMS, mg * kdim);
    float[] rrow = res == null ? null : s.floats(Scratch.ROW_B, ohw);
    wt.get(g * mg * kdim, wts, 0, mg * kdim);
    for (int ci = 0; ci < cg; ci++) {
      int base = (img * c + g * cg + ci) * h * w;
      int pbase = ci * plane;
      int colLo = Math.max(0, pl);
      int colHi = Math.min(pw, pl + w);
      for (int r = 0; r < ph; r++) {
        int ih = r - pt;
        int dst = pbase + r * pw;
        if (ih < 0 || ih >= h || colHi <= colLo) {
          Arrays.fill(pad, dst, dst + pw, 0f);
          continue;
        }
        Arrays.fill(pad, dst, dst + colLo, 0f);
        x.get(base + ih * w + (colLo - pl), pad, dst + colLo, colHi - colLo);
        Arrays.fill(pad, dst + colHi, dst + pw, 0f);
      }
    }
    for (int ml = 0; ml < mg; ml++) {
      int mo = g * mg + ml;
      Arrays.fill(acc, 0, ohw, hasBias ? bias.get(mo) : 0f);
      for (int ci = 0; ci < cg; ci++) {
        for (int i = 0; i < kh; i++) {
          for (int j = 0; j < kw; j++) {
            float wv = wts[((ml * cg + ci) * kh + i) * kw + j];
            int src0 = ci * plane + i * dh * pw + j * dw;
            for (int r = 0; r < oh; r++) {
              int src = src0 + r * sh * pw;
              int d = r * ow;
              if (sw == 1) {
                for (int o = 0; o < ow; o++) {
                  acc[d + o] += wv * pad[src + o];
                }
              } else {
                for (int o = 0; o < ow; o++) {
                  acc[d + o] += wv * pad[src + o * sw];
                }
              }
            }
          }
        }
      }
      int off = (img * m + mo) * ohw;
      if (res != null) {
        res.get(off, rrow, 0, ohw);
        for (int i = 0; i < ohw; i++) {
          acc[i] += rrow[i];
        }
      }
      if (activation != null) {
        activation.apply(acc, 0, ohw);
      }
      y.put(off, acc, 0, ohw);
    }
  }
}

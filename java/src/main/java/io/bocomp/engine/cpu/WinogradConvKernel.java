package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * 3x3, stride-1, undilated, ungrouped Conv by Winograd's minimal filtering F(2x2, 3x3) (Lavin and
 * Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016): each 2x2 output tile is
 * {@code A^T [(G g G^T) .* (B^T d B)] A} for its 4x4 input tile {@code d}, so the 16 element-wise
 * products over all channels become 16 GEMMs {@code M_xi[M x T] = U_xi[M x C] V_xi[C x T]} for a
 * chunk of {@code T} tiles. That is 2.25x fewer multiplications than direct convolution and, what
 * matters more with OpenBLAS here, 2.25x fewer elements for SGEMM to pack than an im2col matrix.
 *
 * <p>Work is cut into chunks of whole tile rows (of one or several images); a worker transforms a
 * chunk's input ({@code V}, 16 x C x T), runs the 16 single-threaded GEMMs, transforms the result
 * back two output rows at a time and applies the epilogue ({@link ConvEpilogue}). The transforms
 * are scalar loops (JDK 17 does not vectorize their strided accesses); they cost a small fraction
 * of the GEMMs. Weights are transformed once per plan when constant, else at every run.
 *
 * <p>Accuracy: the transforms use only 0, +-1 and +-1/2, so float32 results stay within a few
 * ulps of the accumulated products (well inside 1e-4 relative to the output's range).
 */
final class WinogradConvKernel implements Kernel {
  /** Target floats of one chunk's transformed input (1 MiB). */
  private static final int V_BUDGET = 256 * 1024;
  private static final int MIN_TILES = 64;

  private final ConvLayout l;
  private final int tilesX;
  private final int tilesY;
  private final int rowsPerChunk;
  private final int chunks;
  private final boolean hasBias;
  private final int residualInput;
  private final ConvEpilogue epilogue;
  /** Transformed weights [16][M][C], or null to transform at each run. */
  private final FloatBuffer constantU;

  /**
   * True for the convolutions this kernel computes and is faster at: 3x3, stride 1, undilated,
   * one group, at least 64 input and output channels (with fewer, the 16 GEMMs are too thin for
   * SGEMM and the transforms dominate) and outputs of at least 10x10 (smaller ones waste a
   * large share of each 2x2 tile at the edges). Measured on Zen 2 against im2col: 1.3-1.5x for
   * 64 to 256 channels at 14x14 to 56x56; slower for 32 channels or 7x7 outputs.
   */
  static boolean applies(ConvLayout l) {
    return l.kh == 3 && l.kw == 3 && l.sh == 1 && l.sw == 1 && l.dh == 1 && l.dw == 1
        && l.groups == 1 && l.c >= 64 && l.m >= 64 && l.oh >= 10 && l.ow >= 10;
  }

  WinogradConvKernel(KernelSpec spec, ConvLayout l, int threads) {
    this.l = l;
    this.tilesX = (l.ow + 1) / 2;
    this.tilesY = (l.oh + 1) / 2;
    this.hasBias = spec.has(2);
    this.residualInput = spec.residual ? spec.node.inputs().size() : -1;
    this.epilogue = new ConvEpilogue(hasBias, spec.residual, spec.activation);
    int totalRows = l.n * tilesY;
    int rows = Math.max(1, Math.max(MIN_TILES, V_BUDGET / (16 * l.c)) / tilesX);
    rows = Math.min(rows, Math.max(1, (totalRows + threads - 1) / threads));
    this.rowsPerChunk = rows;
    this.chunks = (totalRows + rows - 1) / rows;
    Tensor w = spec.constant(1);
    if (w != null) {
      constantU = Tensor.allocate(16 * l.m * l.c);
      transformWeights(w.data(), constantU);
    } else {
      constantU = null;
    }
  }

  @Override
  public String toString() {
    return "Conv[winograd F(2x2,3x3), chunks=" + chunks + ", tile rows/chunk=" + rowsPerChunk
        + "]";
  }

  @Override
  public void reserve(Scratch s) {
    int t = rowsPerChunk * tilesX;
    s.floats(Scratch.TILE, 16 * Math.max(l.c, l.m) * t);
    s.direct(Scratch.DIRECT_COL, 16 * l.c * t);
    s.direct(Scratch.DIRECT_OUT, 16 * l.m * t);
    s.floats(Scratch.STAGE, 4 * (2 * tilesX + 2));
    s.floats(Scratch.ROW_A, 2 * l.ow);
    s.floats(Scratch.ROW_B, 2 * l.ow);
    if (constantU == null) {
      s.direct(Scratch.DIRECT_STAGE, 16 * l.m * l.c);
    }
  }

  /** U[xi][m][c] = (G g G^T) for every 3x3 filter g = W[m][c]. */
  private void transformWeights(FloatBuffer w, FloatBuffer u) {
    int mc = l.m * l.c;
    float[] g = new float[9];
    float[] t = new float[12];
    for (int m = 0; m < l.m; m++) {
      for (int c = 0; c < l.c; c++) {
        w.get((m * l.c + c) * 9, g, 0, 9);
        for (int j = 0; j < 3; j++) { // t = G g (4 x 3)
          float a = g[j];
          float b = g[3 + j];
          float d = g[6 + j];
          t[j] = a;
          t[3 + j] = 0.5f * (a + b + d);
          t[6 + j] = 0.5f * (a - b + d);
          t[9 + j] = d;
        }
        int base = m * l.c + c;
        for (int i = 0; i < 4; i++) { // U = t G^T (4 x 4)
          float a = t[3 * i];
          float b = t[3 * i + 1];
          float d = t[3 * i + 2];
          u.put((4 * i) * mc + base, a);
          u.put((4 * i + 1) * mc + base, 0.5f * (a + b + d));
          u.put((4 * i + 2) * mc + base, 0.5f * (a - b + d));
          u.put((4 * i + 3) * mc + base, d);
        }
      }
    }
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer bias = hasBias ? in[2] : null;
    FloatBuffer res = residualInput >= 0 ? in[residualInput] : null;
    FloatBuffer y = out[0];
    FloatBuffer u = constantU;
    if (u == null) {
      FloatBuffer[] holder = new FloatBuffer[1];
      pool.parallelFor(1, (t, w) -> {
        holder[0] = pool.scratch(w).direct(Scratch.DIRECT_STAGE, 16 * l.m * l.c);
        transformWeights(in[1], holder[0]);
      });
      u = holder[0];
    }
    FloatBuffer uf = u;
    int totalRows = l.n * tilesY;
    pool.parallelFor(chunks, (t, w) -> chunk(x, uf, bias, res, y, t * rowsPerChunk,
        Math.min(totalRows, (t + 1) * rowsPerChunk), pool.scratch(w)));
  }

  /** Tile rows [r0, r1) of the flattened (image, tile row) sequence. */
  private void chunk(FloatBuffer x, FloatBuffer u, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int r0, int r1, Scratch s) {
    int tiles = (r1 - r0) * tilesX;
    float[] v = s.floats(Scratch.TILE, 16 * Math.max(l.c, l.m) * tiles);
    FloatBuffer vBuf = s.direct(Scratch.DIRECT_COL, 16 * l.c * tiles);
    FloatBuffer mBuf = s.direct(Scratch.DIRECT_OUT, 16 * l.m * tiles);
    int width = 2 * tilesX + 2;
    float[] stage = s.floats(Scratch.STAGE, 4 * width);
    int ct = l.c * tiles;
    for (int r = r0; r < r1; r++) {
      int img = r / tilesY;
      int ty = r % tilesY;
      int t0 = (r - r0) * tilesX;
      for (int c = 0; c < l.c; c++) {
        stageRows(x, img, c, 2 * ty - l.pt, width, stage);
        inputTiles(stage, width, v, c * tiles + t0, ct);
      }
    }
    vBuf.put(0, v, 0, 16 * ct);
    for (int xi = 0; xi < 16; xi++) {
      Blas.sgemm(false, false, l.m, tiles, l.c, 1f, u, xi * l.m * l.c, l.c, vBuf, xi * ct, tiles,
          0f, mBuf, xi * l.m * tiles, tiles);
    }
    int mt = l.m * tiles;
    mBuf.get(0, v, 0, 16 * mt);
    float[] rows = s.floats(Scratch.ROW_A, 2 * l.ow);
    float[] rrow = s.floats(Scratch.ROW_B, 2 * l.ow);
    int ohw = l.outPlane();
    for (int r = r0; r < r1; r++) {
      int img = r / tilesY;
      int ty = r % tilesY;
      int outRows = Math.min(2, l.oh - 2 * ty);
      int len = outRows * l.ow;
      for (int m = 0; m < l.m; m++) {
        outputTiles(v, m * tiles + (r - r0) * tilesX, mt, rows, outRows);
        int off = (img * l.m + m) * ohw + 2 * ty * l.ow;
        epilogue.apply(rows, len, bias, m, res, off, rrow);
        y.put(off, rows, 0, len);
      }
    }
  }

  /** Stages input rows [ih0, ih0 + 4) of one channel, columns from -pl, zero padded. */
  private void stageRows(FloatBuffer x, int img, int c, int ih0, int width, float[] stage) {
    int base = (img * l.c + c) * l.h * l.w;
    int colHi = Math.min(width, l.pl + l.w);
    int copy = colHi - l.pl;
    for (int r = 0; r < 4; r++) {
      int ih = ih0 + r;
      int dst = r * width;
      if (ih < 0 || ih >= l.h || copy <= 0) {
        Arrays.fill(stage, dst, dst + width, 0f);
        continue;
      }
      Arrays.fill(stage, dst, dst + l.pl, 0f);
      x.get(base + ih * l.w, stage, dst + l.pl, copy);
      Arrays.fill(stage, dst + colHi, dst + width, 0f);
    }
  }

  /** V[xi][index + tx] = (B^T d B)[xi] for the tiles of one staged tile row of one channel. */
  private void inputTiles(float[] d, int width, float[] v, int index, int stride) {
    int r1 = width;
    int r2 = 2 * width;
    int r3 = 3 * width;
    for (int tx = 0; tx < tilesX; tx++) {
      int p = 2 * tx;
      // rows of d B: z[a][k] for the 4 tile rows a
      float z00 = d[p] - d[p + 2];
      float z01 = d[p + 1] + d[p + 2];
      float z02 = d[p + 2] - d[p + 1];
      float z03 = d[p + 1] - d[p + 3];
      float z10 = d[r1 + p] - d[r1 + p + 2];
      float z11 = d[r1 + p + 1] + d[r1 + p + 2];
      float z12 = d[r1 + p + 2] - d[r1 + p + 1];
      float z13 = d[r1 + p + 1] - d[r1 + p + 3];
      float z20 = d[r2 + p] - d[r2 + p + 2];
      float z21 = d[r2 + p + 1] + d[r2 + p + 2];
      float z22 = d[r2 + p + 2] - d[r2 + p + 1];
      float z23 = d[r2 + p + 1] - d[r2 + p + 3];
      float z30 = d[r3 + p] - d[r3 + p + 2];
      float z31 = d[r3 + p + 1] + d[r3 + p + 2];
      float z32 = d[r3 + p + 2] - d[r3 + p + 1];
      float z33 = d[r3 + p + 1] - d[r3 + p + 3];
      int o = index + tx;
      v[o] = z00 - z20;
      v[o + stride] = z01 - z21;
      v[o + 2 * stride] = z02 - z22;
      v[o + 3 * stride] = z03 - z23;
      v[o + 4 * stride] = z10 + z20;
      v[o + 5 * stride] = z11 + z21;
      v[o + 6 * stride] = z12 + z22;
      v[o + 7 * stride] = z13 + z23;
      v[o + 8 * stride] = z20 - z10;
      v[o + 9 * stride] = z21 - z11;
      v[o + 10 * stride] = z22 - z12;
      v[o + 11 * stride] = z23 - z13;
      v[o + 12 * stride] = z10 - z30;
      v[o + 13 * stride] = z11 - z31;
      v[o + 14 * stride] = z12 - z32;
      v[o + 15 * stride] = z13 - z33;
    }
  }

  /** Two output rows (or one at the bottom edge) of one channel from the GEMM results. */
  private void outputTiles(float[] mm, int index, int stride, float[] rows, int outRows) {
    int ow = l.ow;
    for (int tx = 0; tx < tilesX; tx++) {
      int o = index + tx;
      float m00 = mm[o];
      float m01 = mm[o + stride];
      float m02 = mm[o + 2 * stride];
      float m03 = mm[o + 3 * stride];
      float m10 = mm[o + 4 * stride];
      float m11 = mm[o + 5 * stride];
      float m12 = mm[o + 6 * stride];
      float m13 = mm[o + 7 * stride];
      float m20 = mm[o + 8 * stride];
      float m21 = mm[o + 9 * stride];
      float m22 = mm[o + 10 * stride];
      float m23 = mm[o + 11 * stride];
      float m30 = mm[o + 12 * stride];
      float m31 = mm[o + 13 * stride];
      float m32 = mm[o + 14 * stride];
      float m33 = mm[o + 15 * stride];
      // s = A^T M (2 x 4), y = s A (2 x 2)
      float s00 = m00 + m10 + m20;
      float s01 = m01 + m11 + m21;
      float s02 = m02 + m12 + m22;
      float s03 = m03 + m13 + m23;
      float s10 = m10 - m20 - m30;
      float s11 = m11 - m21 - m31;
      float s12 = m12 - m22 - m32;
      float s13 = m13 - m23 - m33;
      int col = 2 * tx;
      rows[col] = s00 + s01 + s02;
      if (col + 1 < ow) {
        rows[col + 1] = s01 - s02 - s03;
      }
      if (outRows > 1) {
        rows[ow + col] = s10 + s11 + s12;
        if (col + 1 < ow) {
          rows[ow + col + 1] = s11 - s12 - s13;
        }
      }
    }
  }
}

package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * 3x3, stride-1, undilated, ungrouped Conv by Winograd's F(2x2, 3x3) (Lavin and Gray, CVPR 2016)
 * with the Vector API ({@link WinogradVectorOps}): each 2x2 output tile is
 * {@code A^T [(G g G^T) .* (B^T d B)] A} of its 4x4 input tile {@code d}, so the 16 element-wise
 * products over all channels become 16 matrix products {@code M_xi[M x T] = U_xi[M x C]
 * V_xi[C x T]} for a chunk of {@code T} tiles: 2.25x fewer multiply-adds than a direct
 * convolution.
 *
 * <p>A task is a chunk of whole tile rows (of one or several images, so small images still give
 * long products). It
 *
 * <ol>
 *   <li>stages each channel's input rows of the chunk once, zero-padded and split into even and
 *       odd columns, and transforms 8 tiles of a tile row per vector step into {@code V[xi][c][t]};
 *   <li>for every block of 16 tiles and 6 output channels, runs the 16 products in registers
 *       ({@link WinogradVectorOps#gemm6x16}, weights transformed and packed once per plan as
 *       {@code U[xi][block][c][6]}) into a small L1-resident buffer, and transforms that back to
 *       2x2 pixels plus bias, written into the chunk's output rows;
 *   <li>applies the residual and activation ({@link ConvEpilogue}) to each output row range and
 *       stores it.
 * </ol>
 *
 * <p>Limits: tiles past the output's right or bottom edge and the last product block's spare
 * tiles are computed and dropped (a 7x7 output is 16 tiles for 49 pixels). Accuracy: the
 * transforms use only 0, +-1 and +-1/2, so results stay within a few float32 ulps of the
 * accumulated products.
 */
final class VectorWinogradKernel implements Kernel {
  /** Target floats of one chunk's transformed input (256 KiB, half of a Zen 2 L2). */
  private static final int V_BUDGET = 64 * 1024;
  private static final int BLOCK_M = WinogradVectorOps.BLOCK_M;
  private static final int BLOCK_T = WinogradVectorOps.BLOCK_T;
  private static final int LANES = WinogradVectorOps.LANES;
  /** Floats of one product block: 16 products of 6 channels by 16 tiles. */
  private static final int PRODUCTS = 16 * BLOCK_M * BLOCK_T;

  private final ConvLayout l;
  private final int tilesX;
  private final int tilesY;
  private final int rowsPerChunk;
  private final int chunks;
  private final int residualInput;
  private final ConvEpilogue epilogue;
  private final int mBlocks;
  /** Transformed weights U[xi][mBlock][c][6], zero past the last channel. */
  private final float[] u;
  private final float[] bias;
  /** Even/odd staging: padded columns per staged row (a multiple of 8 plus 8). */
  private final int stagePitch;

  /**
   * Output pixels per image below which {@link VectorConvKernel} is used instead: an 8x8 output
   * is 16 tiles, one product block. Smaller outputs fill a fraction of a block, and each chunk
   * streams all transformed weights (16/9 the size of the raw ones), so on ResNet-18's 4x4 and 2x2
   * layers at batch 1 the whole network ran about 1.4x slower with them (noisy JMH, shared
   * machine; no difference at batch 50).
   */
  static final int MIN_OUTPUT_PIXELS = 64;

  /**
   * Input and output channels below which {@link VectorConvKernel} is used instead: with fewer,
   * the 16 products per tile are too thin to repay the transforms. On the default model (32 and
   * 64 channels) the direct kernel alone was 1.14-1.17x faster at batch 1 and 1.04-1.05x at batch
   * 50 than with this kernel on its 32-channel layers (ForwardBenchmark, 2 threads, two interleaved
   * repetitions, 2026-11-23); ResNet-18 (64 channels and up) is unchanged. The fine-tuner's
   * training convolutions measured the same way (benchmarks/results/train-throughput.md).
   */
  static final int MIN_CHANNELS = 64;

  /** True for the convolutions this kernel computes and is faster at. */
  static boolean applies(ConvLayout l, KernelSpec spec) {
    return l.kh == 3 && l.kw == 3 && l.sh == 1 && l.sw == 1 && l.dh == 1 && l.dw == 1
        && l.groups == 1 && l.c >= MIN_CHANNELS && l.m >= MIN_CHANNELS
        && l.oh * l.ow >= MIN_OUTPUT_PIXELS
        && spec.constant(1) != null
        && (!spec.has(2) || spec.constant(2) != null);
  }

  VectorWinogradKernel(KernelSpec spec, ConvLayout l, int threads) {
    this.l = l;
    this.tilesX = (l.ow + 1) / 2;
    this.tilesY = (l.oh + 1) / 2;
    this.residualInput = spec.residual ? spec.node.inputs().size() : -1;
    this.epilogue = new ConvEpilogue(false, spec.residual, spec.activation);
    this.mBlocks = (l.m + BLOCK_M - 1) / BLOCK_M;
    this.stagePitch = roundUp(tilesX, LANES) + LANES;
    int totalRows = l.n * tilesY;
    int target = Math.max(BLOCK_T, V_BUDGET / (16 * l.c));
    int rows = Math.max(1, target / tilesX);
    rows = Math.min(rows, Math.max(1, ceilDiv(totalRows, 2 * threads)));
    int count = ceilDiv(totalRows, rows);
    this.rowsPerChunk = ceilDiv(totalRows, count);
    this.chunks = ceilDiv(totalRows, rowsPerChunk);
    this.u = new float[16 * mBlocks * l.c * BLOCK_M];
    transformWeights(spec.constant(1).data());
    this.bias = new float[l.m];
    if (spec.has(2)) {
      spec.constant(2).data().get(0, bias, 0, l.m);
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private static int roundUp(int a, int b) {
    return ceilDiv(a, b) * b;
  }

  /** U[xi][block][c][i] = (G g G^T)[xi] for filter g = W[6 block + i][c]. */
  private void transformWeights(FloatBuffer w) {
    float[] g = new float[9];
    float[] t = new float[12];
    for (int m = 0; m < l.m; m++) {
      int block = m / BLOCK_M;
      int i = m % BLOCK_M;
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
        for (int r = 0; r < 4; r++) { // U = t G^T (4 x 4)
          float a = t[3 * r];
          float b = t[3 * r + 1];
          float d = t[3 * r + 2];
          u[index(4 * r, block, c, i)] = a;
          u[index(4 * r + 1, block, c, i)] = 0.5f * (a + b + d);
          u[index(4 * r + 2, block, c, i)] = 0.5f * (a - b + d);
          u[index(4 * r + 3, block, c, i)] = d;
        }
      }
    }
  }

  private int index(int xi, int block, int c, int i) {
    return ((xi * mBlocks + block) * l.c + c) * BLOCK_M + i;
  }

  @Override
  public String toString() {
    return "Conv[vector winograd F(2x2,3x3), chunks=" + chunks + ", tile rows/chunk="
        + rowsPerChunk + "]";
  }

  /** Row pitch of V for a chunk of {@code tiles} tiles: whole product blocks plus write slack. */
  private static int pitch(int tiles) {
    return roundUp(tiles + LANES, BLOCK_T);
  }

  @Override
  public void reserve(Scratch s) {
    int tiles = rowsPerChunk * tilesX;
    int outRows = 2 * rowsPerChunk;
    s.floats(Scratch.TILE, 16 * l.c * pitch(tiles));
    s.floats(Scratch.ACC, l.m * outRows * l.ow);
    s.floats(Scratch.STAGE, 2 * (outRows + 2) * stagePitch);
    s.floats(Scratch.ROW_C, 2 * stagePitch);
    s.floats(Scratch.PARAMS, PRODUCTS + 4 * LANES);
    s.floats(Scratch.ROW_A, outRows * l.ow);
    s.floats(Scratch.ROW_B, outRows * l.ow);
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer res = residualInput >= 0 ? in[residualInput] : null;
    FloatBuffer y = out[0];
    int totalRows = l.n * tilesY;
    pool.parallelFor(chunks, (t, w) -> chunk(x, res, y, t * rowsPerChunk,
        Math.min(totalRows, (t + 1) * rowsPerChunk), pool.scratch(w)));
  }

  /** Tile rows [r0, r1) of the flattened (image, tile row) sequence. */
  private void chunk(FloatBuffer x, FloatBuffer res, FloatBuffer y, int r0, int r1, Scratch s) {
    int tiles = (r1 - r0) * tilesX;
    int pitch = pitch(tiles);
    int outRows = 2 * (r1 - r0);
    float[] v = s.floats(Scratch.TILE, 16 * l.c * pitch);
    float[] outStage = s.floats(Scratch.ACC, l.m * outRows * l.ow);
    transformInput(x, r0, r1, pitch, v, s);
    float[] products = s.floats(Scratch.PARAMS, PRODUCTS + 4 * LANES);
    int xiStride = l.c * pitch;
    int blockFloats = l.c * BLOCK_M;
    for (int t0 = 0; t0 < tiles; t0 += BLOCK_T) {
      for (int mb = 0; mb < mBlocks; mb++) {
        for (int xi = 0; xi < 16; xi++) {
          WinogradVectorOps.gemm6x16(u, (xi * mBlocks + mb) * blockFloats, v, xi * xiStride + t0,
              pitch, l.c, products, xi * BLOCK_M * BLOCK_T);
        }
        transformOutput(products, t0, tiles, mb, outRows, outStage);
      }
    }
    store(res, y, r0, r1, outRows, outStage, s);
  }

  /** V[xi][c][t] for the chunk's tiles; tiles [tiles, pitch) of every row come out zero. */
  private void transformInput(FloatBuffer x, int r0, int r1, int pitch, float[] v, Scratch s) {
    int tiles = (r1 - r0) * tilesX;
    int xiStride = l.c * pitch;
    int sp = stagePitch;
    float[] stage = s.floats(Scratch.STAGE, 2 * (2 * rowsPerChunk + 2) * sp);
    int odd = (2 * rowsPerChunk + 2) * sp;
    float[] row = s.floats(Scratch.ROW_C, 2 * sp);
    for (int xi = 0; xi < 16; xi++) {
      for (int c = 0; c < l.c; c++) {
        int base = xi * xiStride + c * pitch;
        Arrays.fill(v, base + tiles, base + roundUp(tiles, BLOCK_T), 0f);
      }
    }
    for (int c = 0; c < l.c; c++) {
      for (int r = r0; r < r1; ) {
        int img = r / tilesY;
        int ty0 = r % tilesY;
        int ty1 = Math.min(tilesY, ty0 + (r1 - r));
        int stagedRows = 2 * (ty1 - ty0) + 2;
        int src = (img * l.c + c) * l.h * l.w;
        for (int rr = 0; rr < stagedRows; rr++) {
          stageRow(x, src, 2 * ty0 + rr - l.pt, row, stage, rr * sp, odd + rr * sp);
        }
        for (int ty = ty0; ty < ty1; ty++) {
          int e0 = 2 * (ty - ty0) * sp;
          int t0 = (r - r0 + ty - ty0) * tilesX;
          for (int tx = 0; tx < tilesX; tx += LANES) {
            WinogradVectorOps.inputTiles(stage, e0 + tx, odd + e0 + tx, sp, v,
                c * pitch + t0 + tx, xiStride);
          }
        }
        r += ty1 - ty0;
      }
    }
  }

  /**
   * Stages input row {@code ih} (zeros outside the image) padded by {@code pl} on the left, as
   * its even columns at {@code stage[even..]} and odd columns at {@code stage[odd..]}.
   */
  private void stageRow(FloatBuffer x, int src, int ih, float[] row, float[] stage, int even,
      int odd) {
    int sp = stagePitch;
    if (ih < 0 || ih >= l.h) {
      Arrays.fill(stage, even, even + sp, 0f);
      Arrays.fill(stage, odd, odd + sp, 0f);
      return;
    }
    int len = 2 * sp;
    int lo = Math.min(len, l.pl);
    int hi = Math.min(len, l.pl + l.w);
    Arrays.fill(row, 0, lo, 0f);
    if (hi > lo) {
      x.get(src + ih * l.w + lo - l.pl, row, lo, hi - lo);
    }
    Arrays.fill(row, Math.max(lo, hi), len, 0f);
    for (int k = 0; k < sp; k++) {
      stage[even + k] = row[2 * k];
      stage[odd + k] = row[2 * k + 1];
    }
  }

  /** Output pixels (plus bias) of tiles [t0, t0 + 16) and channel block mb into the stage. */
  private void transformOutput(float[] products, int t0, int tiles, int mb, int outRows,
      float[] outStage) {
    int ow = l.ow;
    int plane = outRows * ow;
    int yOff = PRODUCTS;
    for (int i = 0; i < BLOCK_M; i++) {
      int m = mb * BLOCK_M + i;
      if (m >= l.m) {
        return;
      }
      for (int h = 0; h < BLOCK_T; h += LANES) {
        int first = t0 + h;
        if (first >= tiles) {
          break;
        }
        WinogradVectorOps.outputTiles(products, i * BLOCK_T + h, BLOCK_M * BLOCK_T, bias[m],
            products, yOff);
        int count = Math.min(LANES, tiles - first);
        for (int p = 0; p < count; p++) {
          int t = first + p;
          int lr = t / tilesX;
          int col = 2 * (t - lr * tilesX);
          int d = m * plane + 2 * lr * ow + col;
          outStage[d] = products[yOff + p];
          outStage[d + ow] = products[yOff + 2 * LANES + p];
          if (col + 1 < ow) {
            outStage[d + 1] = products[yOff + LANES + p];
            outStage[d + ow + 1] = products[yOff + 3 * LANES + p];
          }
        }
      }
    }
  }

  /** Residual, activation and store of every channel's output rows of the chunk. */
  private void store(FloatBuffer res, FloatBuffer y, int r0, int r1, int outRows,
      float[] outStage, Scratch s) {
    int ow = l.ow;
    int ohw = l.outPlane();
    int plane = outRows * ow;
    for (int r = r0; r < r1; ) {
      int img = r / tilesY;
      int ty0 = r % tilesY;
      int ty1 = Math.min(tilesY, ty0 + (r1 - r));
      int len = (Math.min(2 * ty1, l.oh) - 2 * ty0) * ow;
      int src = 2 * (r - r0) * ow;
      for (int m = 0; m < l.m; m++) {
        int off = (img * l.m + m) * ohw + 2 * ty0 * ow;
        if (epilogue.active()) {
          float[] rowBuf = s.floats(Scratch.ROW_A, len);
          float[] rrow = s.floats(Scratch.ROW_B, len);
          System.arraycopy(outStage, m * plane + src, rowBuf, 0, len);
          epilogue.applyWithoutBias(rowBuf, len, res, off, rrow);
          y.put(off, rowBuf, 0, len);
        } else {
          y.put(off, outStage, m * plane + src, len);
        }
      }
      r += ty1 - ty0;
    }
  }
}

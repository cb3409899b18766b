package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * Ungrouped 2-D convolution on the blocked layout ({@link BlockedGeometry}): a direct convolution
 * whose inner loops are the register-blocked tiles of {@link BlockedMicroKernels}, as in MLAS's and
 * oneDNN's NCHWc kernels. The input is blocked ({@code lanes} = the vector width) or, for a
 * network input with few channels, a padded NCHW copy ({@code lanes} = 1); the output is blocked.
 * Any kernel size, stride, dilation and padding (the input's border holds the padding); 1x1
 * convolutions are the same loop with one tap per input channel, i.e. a GEMM over the blocked
 * pixels.
 *
 * <ul>
 *   <li><b>Plan time.</b> The output channel blocks are cut into groups of {@code OB} blocks
 *       (4, 3, 2 or 1 with 512-bit vectors, chosen so that few blocks fall in narrow groups; 2 or
 *       1 with 256-bit ones), each with its tile width {@code P} (6, 8, 12, 24 pixels). The
 *       weights of each group are packed tap-major ({@code [k][OB][lanes]}, taps {@code k} ordered
 *       input block, kernel row, kernel column, lane), zero past the channel counts; a table gives
 *       each tap's input offset from a pixel's origin.
 *   <li><b>Run time.</b> The output pixels of the whole batch are numbered {@code (image, row,
 *       column)}; a task is a range of them and one channel group. It walks the range in tiles of
 *       {@code P} pixels (a tile may cross rows and images), each tile computing every tap in
 *       registers; when a group's packed weights pass 256 KiB, the taps are split into chunks that
 *       fit in L2 and the tiles are swept once per chunk, adding into the output. After the last
 *       chunk each tile gets its bias, the fused residual (a blocked value of the output's shape)
 *       and the fused activation ({@link BlockedActivation}) while it is in L1. The task also zeros
 *       the output border of the images that start in its range.
 * </ul>
 *
 * <p>Limits: one group only (depthwise convolutions are {@link BlockedDepthwiseKernel}); constant
 * weights and bias. Accuracy: float32 FMA accumulation in tap order, like a GEMM.
 */
final class BlockedConvKernel extends BlockedConvolution {
  private static final int L = BlockedMicroKernels.LANES;
  /** Packed weights of one group's tap chunk, at most (floats): 256 KiB. */
  private static final int CHUNK_FLOATS = 64 * 1024;
  private static final int MAX_P = 24;
  /** Experiment hook: the group widths {@link #partition} may use (null: all). */
  static volatile int[] allowedWidths;

  private final int taps;
  private final int[] off;
  private final int[] groupFirst;
  private final int[] groupBlocks;
  private final int[] groupPixels;
  private final float[][] packed;
  private final float[] bias;
  private final int chunk;
  private final int pixels;
  private final int rangeLength;
  private final int ranges;
  private final int[][] xb;
  private final int[][] yb;
  private final int[][] rb;
  /** Each worker's tile buffer: {@code [OB][P][lanes]}. */
  private final float[][] tiles;

  BlockedConvKernel(KernelSpec spec, ConvLayout l, BlockedGeometry gx, BlockedGeometry gy,
      BlockedGeometry gr, int threads) {
    super(spec, l, gx, gy, gr);
    if (l.groups != 1) {
      throw new IllegalArgumentException(spec.node.label() + ": grouped convolution");
    }
    int lin = gx.lanes;
    if (gx.top < l.pt || gx.left < l.pl
        || gx.h + gx.bottom < (l.oh - 1) * l.sh - l.pt + (l.kh - 1) * l.dh + 1
        || gx.w + gx.right < (l.ow - 1) * l.sw - l.pl + (l.kw - 1) * l.dw + 1) {
      throw new IllegalArgumentException(spec.node.label() + ": input border " + gx
          + " is narrower than the padding");
    }
    this.taps = gx.blocks * l.kh * l.kw * lin;
    this.off = new int[taps];
    for (int k = 0; k < taps; k++) {
      int ic = k % lin;
      int rest = k / lin;
      int j = rest % l.kw;
      int i = (rest / l.kw) % l.kh;
      int cb = rest / (l.kw * l.kh);
      off[k] = cb * gx.blockStride + (i * l.dh * gx.wp + j * l.dw) * lin + ic;
    }
    int outBlocks = (l.m + L - 1) / L;
    int[] parts = partition(outBlocks);
    groupFirst = new int[parts.length];
    groupBlocks = parts;
    groupPixels = new int[parts.length];
    packed = new float[parts.length][];
    int first = 0;
    int widest = 1;
    for (int g = 0; g < parts.length; g++) {
      groupFirst[g] = first;
      groupPixels[g] = pixelsFor(parts[g]);
      packed[g] = new float[taps * parts[g] * L];
      first += parts[g];
      widest = Math.max(widest, parts[g]);
    }
    bias = new float[outBlocks * L];
    int perChunk = Math.max(1, CHUNK_FLOATS / (widest * L) / (l.kh * l.kw * lin));
    this.chunk = Math.min(taps, perChunk * l.kh * l.kw * lin);
    pack(spec.constant(1).data(), spec.has(2) ? spec.constant(2).data() : null);

    this.pixels = l.n * l.oh * l.ow;
    int wanted = 8 * threads;
    int per = (int) Math.min(Integer.MAX_VALUE,
        ((long) pixels * parts.length + wanted - 1) / wanted);
    per = Math.max(2 * MAX_P, Math.min(4096, per));
    per = (per + MAX_P - 1) / MAX_P * MAX_P;
    this.rangeLength = per;
    this.ranges = (pixels + per - 1) / per;
    xb = new int[threads][MAX_P];
    yb = new int[threads][MAX_P];
    rb = new int[threads][MAX_P];
    tiles = new float[threads][MAX_P * L];
  }

  /**
   * Output blocks cut into groups of the supported widths, few blocks in narrow groups: with
   * 512-bit vectors widths 4, 3, 2, 1 (per-block cost 1, 1.02, 1.1, 1.4), with 256-bit 2, 1.
   */
  static int[] partition(int blocks) {
    int[] widths = L >= 16 ? new int[] {4, 3, 2, 1} : new int[] {2, 1};
    double[] cost = L >= 16 ? new double[] {1.0, 1.02, 1.1, 1.4} : new double[] {1.0, 1.2};
    int[] allowed = allowedWidths;
    if (allowed != null) {
      for (int i = 0; i < widths.length; i++) {
        boolean ok = false;
        for (int a : allowed) {
          ok |= a == widths[i];
        }
        cost[i] = ok ? cost[i] : 1e9;
      }
    }
    double[] best = new double[blocks + 1];
    int[] choice = new int[blocks + 1];
    for (int b = 1; b <= blocks; b++) {
      best[b] = Double.MAX_VALUE;
      for (int i = 0; i < widths.length; i++) {
        int wdt = widths[i];
        if (wdt <= b && best[b - wdt] + wdt * cost[i] < best[b]) {
          best[b] = best[b - wdt] + wdt * cost[i];
          choice[b] = wdt;
        }
      }
    }
    int count = 0;
    for (int b = blocks; b > 0; b -= choice[b]) {
      count++;
    }
    int[] parts = new int[count];
    int i = 0;
    for (int b = blocks; b > 0; b -= choice[b]) {
      parts[i++] = choice[b];
    }
    return parts;
  }

  /** Experiment hook: tile pixels by group width (index = width), null: the defaults. */
  static volatile int[] forcedPixels;

  private static int pixelsFor(int blocks) {
    int[] f = forcedPixels;
    if (f != null && f[blocks] > 0) {
      return f[blocks];
    }
    if (L >= 16) {
      // one block: 12 pixels, not 24. The 24x1 tile (24 accumulators) is too large for C1 ("out
      // of virtual registers in linear scan"), so it ran in the interpreter, where the Vector API
      // takes its allocating fallback path, until C2 compiled it, and in a long tune process we
      // saw C2 never do so (a 43-minute compare stuck in FloatVector's fallback for 16-channel
      // convolutions). 12x1 compiles at every tier.
      return blocks == 4 ? 6 : blocks == 3 ? 8 : 12;
    }
    return blocks == 2 ? 6 : 12;
  }

  /** Packs weights {@code [M, C, kh, kw]} and bias {@code [M]} (null: none). */
  void pack(FloatBuffer w, FloatBuffer b) {
    int lin = gx.lanes;
    int khw = l.kh * l.kw;
    for (int g = 0; g < packed.length; g++) {
      int ob = groupBlocks[g];
      float[] dst = packed[g];
      for (int k = 0; k < taps; k++) {
        int ic = k % lin;
        int rest = k / lin;
        int tap = rest % khw;
        int c = (rest / khw) * lin + ic;
        for (int j = 0; j < ob; j++) {
          for (int lane = 0; lane < L; lane++) {
            int m = (groupFirst[g] + j) * L + lane;
            dst[(k * ob + j) * L + lane] =
                c < l.c && m < l.m ? w.get((m * l.c + c) * khw + tap) : 0f;
          }
        }
      }
    }
    for (int m = 0; m < bias.length; m++) {
      bias[m] = b != null && m < l.m ? b.get(m) : 0f;
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Conv[blocked direct, groups");
    for (int g = 0; g < groupBlocks.length; g++) {
      s.append(g == 0 ? " " : ",").append(groupPixels[g]).append('x').append(groupBlocks[g]);
    }
    return s.append(", taps=").append(taps).append(", chunk=").append(chunk).append(", ranges=")
        .append(ranges).append('x').append(rangeLength).append(", in ").append(gx).append(']')
        .toString();
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    FloatBuffer r = residualInput >= 0 ? in[residualInput] : null;
    pool.parallelFor(ranges * groupBlocks.length,
        (t, worker) -> task(x, y, r, t % groupBlocks.length, t / groupBlocks.length, worker));
  }

  private void task(FloatBuffer xBuf, FloatBuffer yBuf, FloatBuffer rBuf, int g, int range,
      int worker) {
    float[] x = xBuf.array();
    float[] y = yBuf.array();
    int xOff = xBuf.arrayOffset();
    int yOff = yBuf.arrayOffset();
    float[] res = rBuf == null ? null : rBuf.array();
    int rOff = rBuf == null ? 0 : rBuf.arrayOffset();
    int q0 = range * rangeLength;
    int q1 = Math.min(pixels, q0 + rangeLength);
    int ob = groupBlocks[g];
    int p = groupPixels[g];
    int fb = groupFirst[g];
    int[] xbs = xb[worker];
    int[] ybs = yb[worker];
    int[] rbs = rb[worker];
    int ohw = l.oh * l.ow;
    for (int img = (q0 + ohw - 1) / ohw; img * ohw < q1; img++) {
      gy.zeroBorder(y, yOff, img, fb, fb + ob);
    }
    float[] w = packed[g];
    int ys = gy.blockStride;
    int yBlock = yOff + fb * ys;
    boolean runs = gx.lanes % 4 == 0;
    float[] tileBuf = tiles[worker];
    for (int k0 = 0; k0 < taps; k0 += chunk) {
      int k1 = Math.min(taps, k0 + chunk);
      boolean addY = k0 > 0;
      boolean last = k1 == taps;
      for (int q = q0; q < q1; q += p) {
        int count = Math.min(p, q1 - q);
        bases(q, count, p, xbs, ybs, rbs, xOff, yBlock, rOff + fb * (gr == null ? 0
            : gr.blockStride));
        BlockedTiles.tile(runs, p, ob, x, xbs, off, k0, k1, w, 0, tileBuf);
        store(y, ybs, tileBuf, p, res, rbs, count, fb, ob, addY, last);
      }
    }
  }

  /**
   * Input, output and residual offsets of pixels {@code q..q+count-1}; entries up to {@code p}
   * repeat the last pixel.
   */
  private void bases(int q, int count, int p, int[] xbs, int[] ybs, int[] rbs, int xOff,
      int yOff, int rOff) {
    int ohw = l.oh * l.ow;
    int img = q / ohw;
    int rem = q - img * ohw;
    int row = rem / l.ow;
    int col = rem - row * l.ow;
    int lin = gx.lanes;
    for (int i = 0; i < count; i++) {
      xbs[i] = xOff + img * gx.imageStride
          + ((row * l.sh - l.pt + gx.top) * gx.wp + col * l.sw - l.pl + gx.left) * lin;
      ybs[i] = yOff + img * gy.imageStride + ((row + gy.top) * gy.wp + col + gy.left) * L;
      if (gr != null) {
        rbs[i] = rOff + img * gr.imageStride + ((row + gr.top) * gr.wp + col + gr.left) * L;
      }
      if (++col == l.ow) {
        col = 0;
        if (++row == l.oh) {
          row = 0;
          img++;
        }
      }
    }
    for (int i = count; i < p; i++) {
      xbs[i] = xbs[count - 1];
      ybs[i] = ybs[count - 1];
    }
  }

  /**
   * Moves a tile's sums into the output, run by run of pixels adjacent in the output and in the
   * residual (whose borders may differ): with the bias, residual and activation after the last
   * tap chunk, as a partial sum before it.
   */
  private void store(float[] y, int[] ybs, float[] t, int p, float[] res, int[] rbs, int count,
      int fb, int ob, boolean addY, boolean last) {
    int ys = gy.blockStride;
    int rs = gr == null ? 0 : gr.blockStride;
    int i = 0;
    while (i < count) {
      int e = i + 1;
      while (e < count && ybs[e] == ybs[e - 1] + L && (res == null || rbs[e] == rbs[e - 1] + L)) {
        e++;
      }
      for (int j = 0; j < ob; j++) {
        int yi = ybs[i] + j * ys;
        int ti = (j * p + i) * L;
        if (last) {
          act.finish(y, yi, (e - i) * L, t, ti, addY, bias, (fb + j) * L, res,
              res == null ? 0 : rbs[i] + j * rs, fb + j);
        } else {
          BlockedActivation.accumulate(y, yi, (e - i) * L, t, ti, addY);
        }
      }
      i = e;
    }
  }


}

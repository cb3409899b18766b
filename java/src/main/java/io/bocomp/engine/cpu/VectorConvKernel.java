package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * Direct convolution with a register-blocked Vector API micro-kernel ({@link ConvMicroKernel},
 * generated at build time by {@code java/src/build/GenerateConvMicroKernel.java}), in the style
 * of oneDNN's and ONNX Runtime's AVX2 direct convolutions but on NCHW tensors: no column matrix is
 * built and nothing is packed per call. Any kernel size, stride, dilation, pads and group count;
 * constant weights only.
 *
 * <ul>
 *   <li><b>At plan time</b> the weights of each group are cut into blocks of 16 output channels
 *       (the last block 8 or 16 wide, zero-filled past the group's channels) and packed tap-major
 *       ({@code [block][k][16]}, {@code k = (ci, i, j)}), with the bias in the same blocks.
 *   <li><b>A task</b> is a band of output rows of one image and a range of channel blocks. It
 *       stages the band's input rows zero-padded in polyphase planes ({@link PolyphaseStaging}),
 *       then for each block runs the micro-kernel over tiles of 6 consecutive pixels (numbered
 *       over the staged width: junk columns are computed and dropped), starting the accumulators
 *       at the bias. Tiles come back pixel-major and are transposed into channel rows of the
 *       band, which get the residual and activation ({@link ConvEpilogue}) and are stored.
 *   <li><b>Tasks</b>: rows per band are chosen so a staged band stays within about 192 KiB (L2);
 *       with fewer than two tasks per thread, bands get thinner, then channel blocks are split.
 * </ul>
 *
 * <p>Limits: work on zero padding is not skipped (as with im2col), and junk columns cost
 * {@code (kw-1)*dw/sw} of every {@code ow + (kw-1)*dw/sw} computed pixels, which matters on
 * small images. Accuracy: plain float32 FMA accumulation over {@code k} in order, like SGEMM.
 */
final class VectorConvKernel implements Kernel {
  private static final int STAGE_BUDGET = 48 * 1024;
  private static final int PIXELS = ConvMicroKernel.PIXELS;

  private final ConvLayout l;
  private final PolyphaseStaging staging;
  private final int residualInput;
  private final ConvEpilogue epilogue;
  /** Channel blocks over all groups: group, first channel within the group, width 8 or 16. */
  private final int[] blockGroup;
  private final int[] blockStart;
  private final int[] blockWidth;
  private final int[] blockOffset;
  private final float[] packed;
  /** Bias of block b at [16 b, 16 b + width). */
  private final float[] packedBias;
  private final int rowsPerBand;
  private final int bands;
  private final int blocksPerTask;
  private final int blockGroups;
  /** Output pixel (r * ow + c) of band position q, or -1 for a junk column. */
  private final int[] pixelOf;

  /** True for the convolutions this kernel computes: constant weights and bias. */
  static boolean applies(KernelSpec spec) {
    return spec.constant(1) != null && (!spec.has(2) || spec.constant(2) != null);
  }

  VectorConvKernel(KernelSpec spec, ConvLayout l, int threads) {
    this.l = l;
    this.residualInput = spec.residual ? spec.node.inputs().size() : -1;
    this.epilogue = new ConvEpilogue(false, spec.residual, spec.activation);
    int perGroup = (l.mg + 15) / 16;
    int blocks = l.groups * perGroup;
    blockGroup = new int[blocks];
    blockStart = new int[blocks];
    blockWidth = new int[blocks];
    blockOffset = new int[blocks];
    int size = 0;
    for (int b = 0; b < blocks; b++) {
      blockGroup[b] = b / perGroup;
      blockStart[b] = (b % perGroup) * 16;
      blockWidth[b] = l.mg - blockStart[b] > 8 ? 16 : 8;
      blockOffset[b] = size;
      size += blockWidth[b] * l.kdim;
    }
    packed = new float[size];
    packedBias = new float[16 * blocks];
    pack(spec.constant(1).data(), spec.has(2) ? spec.constant(2).data() : null);

    int maxRowOff = PolyphaseStaging.maxRowOffset(l);
    int perRow = PolyphaseStaging.floatsPerRow(l);
    int rows = Math.max(1, Math.min(l.oh, STAGE_BUDGET / Math.max(1, perRow) - maxRowOff));
    int wanted = 2 * threads;
    if (l.n * ceilDiv(l.oh, rows) < wanted) {
      rows = Math.max(1, ceilDiv(l.oh, Math.min(l.oh, ceilDiv(wanted, l.n))));
    }
    this.rowsPerBand = rows;
    this.bands = ceilDiv(l.oh, rows);
    int groupsNeeded = Math.min(blocks, Math.max(1, ceilDiv(wanted, l.n * bands)));
    this.blocksPerTask = ceilDiv(blocks, groupsNeeded);
    this.blockGroups = ceilDiv(blocks, blocksPerTask);
    this.staging = new PolyphaseStaging(l, rows);
    int len = ceilDiv(staging.bandLength(rows), PIXELS) * PIXELS;
    pixelOf = new int[len];
    for (int q = 0; q < len; q++) {
      int r = q / staging.width;
      int c = q - r * staging.width;
      pixelOf[q] = c < l.ow ? r * l.ow + c : -1;
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /**
   * Packs new weights ({@code [M, C/group, kh, kw]}) and bias ({@code [M]}, null for none) in
   * place of the ones the kernel was built with ({@link TrainableConv}); not during a run.
   */
  void reload(FloatBuffer weights, FloatBuffer bias) {
    pack(weights, bias);
  }

  private void pack(FloatBuffer w, FloatBuffer bias) {
    for (int b = 0; b < blockGroup.length; b++) {
      int width = blockWidth[b];
      int channels = Math.min(width, l.mg - blockStart[b]);
      for (int o = 0; o < channels; o++) {
        int m = blockGroup[b] * l.mg + blockStart[b] + o;
        for (int k = 0; k < l.kdim; k++) {
          packed[blockOffset[b] + k * width + o] = w.get(m * l.kdim + k);
        }
        packedBias[16 * b + o] = bias == null ? 0f : bias.get(m);
      }
    }
  }

  @Override
  public String toString() {
    return "Conv[vector direct, bands=" + bands + ", rows/band=" + rowsPerBand + ", blocks/task="
        + blocksPerTask + ", staged width=" + staging.width + "]";
  }

  @Override
  public void reserve(Scratch s) {
    int pixels = rowsPerBand * l.ow;
    s.floats(Scratch.STAGE, staging.stagedFloats());
    s.floats(Scratch.ROW_C, staging.rowFloats());
    s.floats(Scratch.TILE, 16 * pixels);
    s.floats(Scratch.ACC, 16 * PIXELS);
    s.floats(Scratch.ROW_A, pixels);
    s.floats(Scratch.ROW_B, pixels);
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer res = residualInput >= 0 ? in[residualInput] : null;
    FloatBuffer y = out[0];
    pool.parallelFor(l.n * bands * blockGroups, (t, worker) -> task(x, res, y,
        t / (bands * blockGroups), (t / blockGroups) % bands, t % blockGroups,
        pool.scratch(worker)));
  }

  private void task(FloatBuffer x, FloatBuffer res, FloatBuffer y, int img, int band,
      int blockGroupIndex, Scratch s) {
    int r0 = band * rowsPerBand;
    int rows = Math.min(rowsPerBand, l.oh - r0);
    int pixels = rows * l.ow;
    int tiles = ceilDiv(staging.bandLength(rows), PIXELS);
    float[] stage = s.floats(Scratch.STAGE, staging.stagedFloats());
    float[] rowTmp = s.floats(Scratch.ROW_C, staging.rowFloats());
    float[] outStage = s.floats(Scratch.TILE, 16 * pixels);
    float[] tile = s.floats(Scratch.ACC, 16 * PIXELS);
    int[] offsets = staging.offsets;
    int b0 = blockGroupIndex * blocksPerTask;
    int b1 = Math.min(blockGroup.length, b0 + blocksPerTask);
    int staged = -1;
    for (int b = b0; b < b1; b++) {
      int g = blockGroup[b];
      if (g != staged) {
        staging.stage(x, img, g * l.cg, r0, rows, stage, rowTmp);
        staged = g;
      }
      int width = blockWidth[b];
      for (int t = 0; t < tiles; t++) {
        int q0 = t * PIXELS;
        if (width == 16) {
          ConvMicroKernel.tile16(stage, q0, offsets, l.kdim, packed, blockOffset[b], packedBias,
              16 * b, tile);
        } else {
          ConvMicroKernel.tile8(stage, q0, offsets, l.kdim, packed, blockOffset[b], packedBias,
              16 * b, tile);
        }
        for (int p = 0; p < PIXELS; p++) {
          int pix = pixelOf[q0 + p];
          if (pix < 0 || pix >= pixels) {
            continue;
          }
          int src = p * width;
          for (int o = 0; o < width; o++) {
            outStage[o * pixels + pix] = tile[src + o];
          }
        }
      }
      store(res, y, img, g, b, r0, pixels, outStage, s);
    }
  }

  /** Applies the epilogue to the block's channel rows of the band and writes them out. */
  private void store(FloatBuffer res, FloatBuffer y, int img, int g, int b, int r0, int pixels,
      float[] outStage, Scratch s) {
    int channels = Math.min(blockWidth[b], l.mg - blockStart[b]);
    int ohw = l.outPlane();
    for (int o = 0; o < channels; o++) {
      int mo = g * l.mg + blockStart[b] + o;
      int off = (img * l.m + mo) * ohw + r0 * l.ow;
      if (epilogue.active()) {
        float[] row = s.floats(Scratch.ROW_A, pixels);
        float[] rrow = s.floats(Scratch.ROW_B, pixels);
        System.arraycopy(outStage, o * pixels, row, 0, pixels);
        epilogue.applyWithoutBias(row, pixels, res, off, rrow);
        y.put(off, row, 0, pixels);
      } else {
        y.put(off, outStage, o * pixels, pixels);
      }
    }
  }
}

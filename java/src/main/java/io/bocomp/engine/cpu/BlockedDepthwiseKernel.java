package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 2-D convolution (group = input channels = output channels) on the blocked layout:
 * one vector is one pixel's channel block, so each tap is a vector multiply-add of the input
 * pixel with that tap's per-channel weights, no broadcast and no reduction. Any kernel size,
 * stride, dilation and padding (held by the input's border), the bias, fused residual and fused
 * activation in the epilogue. A task is a band of output rows of one image and channel block;
 * along a row, {@value #PIXELS} pixels at a time accumulate in registers over the taps, in
 * {@link BlockedDepthwiseTile} (generated at build time, as the project's other register-blocked
 * tiles), and the last few one at a time. The common 3x3 case (dilation 1, stride 1 or 2) runs its
 * rows in {@link BlockedDepthwise3x3}, which loads each input vector once for the neighbouring
 * outputs that share it (same floats).
 */
final class BlockedDepthwiseKernel extends BlockedConvolution {
  private static final VectorSpecies<Float> S = BlockedMicroKernels.S;
  private static final int L = BlockedMicroKernels.LANES;
  static final int PIXELS = BlockedDepthwiseTile.PIXELS;

  private final int taps;
  private final int[] tapOff;
  /** Weights {@code [block][tap][L]}, bias {@code [block][L]}. */
  private final float[] packed;
  private final float[] bias;
  private final int bands;
  private final int rowsPerBand;
  /** 3x3, dilation 1, stride 1 or 2: rows go through {@link BlockedDepthwise3x3}. */
  private final boolean threeByThree;

  /** True for a depthwise convolution of a 4-D input: one input and one output channel per group. */
  static boolean applies(int channels, int groups, int[] weightShape) {
    return groups > 1 && groups == channels && weightShape.length == 4
        && weightShape[0] == channels && weightShape[1] == 1;
  }

  BlockedDepthwiseKernel(KernelSpec spec, ConvLayout l, BlockedGeometry gx, BlockedGeometry gy,
      BlockedGeometry gr, int threads) {
    super(spec, l, gx, gy, gr);
    if (gx.lanes != L || gx.top < l.pt || gx.left < l.pl) {
      throw new IllegalArgumentException(spec.node.label() + ": input layout " + gx);
    }
    this.taps = l.kh * l.kw;
    this.tapOff = new int[taps];
    for (int t = 0; t < taps; t++) {
      tapOff[t] = ((t / l.kw) * l.dh * gx.wp + (t % l.kw) * l.dw) * L;
    }
    int blocks = gy.blocks;
    packed = new float[blocks * taps * L];
    bias = new float[blocks * L];
    FloatBuffer w = spec.constant(1).data();
    FloatBuffer b = spec.has(2) ? spec.constant(2).data() : null;
    for (int c = 0; c < l.m; c++) {
      int cb = c / L;
      int lane = c % L;
      for (int t = 0; t < taps; t++) {
        packed[(cb * taps + t) * L + lane] = w.get(c * taps + t);
      }
      bias[cb * L + lane] = b == null ? 0f : b.get(c);
    }
    int planes = gy.n * blocks;
    int split = planes >= 4 * threads ? 1 : Math.min(gy.h, (4 * threads + planes - 1) / planes);
    this.rowsPerBand = (gy.h + split - 1) / split;
    this.bands = (gy.h + rowsPerBand - 1) / rowsPerBand;
    this.threeByThree = THREE_BY_THREE && l.kh == 3 && l.kw == 3 && l.dh == 1 && l.dw == 1
        && l.sh == l.sw && (l.sw == 1 || l.sw == 2);
  }

  /** Experiment switch: {@code -Dbocomp.cpu.depthwise3x3=false} keeps 3x3 on the generic loop. */
  static final boolean THREE_BY_THREE =
      !"false".equals(System.getProperty("bocomp.cpu.depthwise3x3", "true"));

  @Override
  public String toString() {
    return "Conv[blocked depthwise " + l.kh + "x" + l.kw + "/" + l.sh
        + (threeByThree ? " rows3x3" : "") + ", bands=" + bands + "]";
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    FloatBuffer r = residualInput >= 0 ? in[residualInput] : null;
    int blocks = gy.blocks;
    pool.parallelFor(gy.n * blocks * bands, (t, worker) -> task(x, y, r,
        (t / bands) / blocks, (t / bands) % blocks, t % bands));
  }

  private void task(FloatBuffer xBuf, FloatBuffer yBuf, FloatBuffer rBuf, int img, int cb,
      int band) {
    float[] x = xBuf.array();
    float[] y = yBuf.array();
    float[] res = rBuf == null ? null : rBuf.array();
    int xOff = xBuf.arrayOffset();
    int yOff = yBuf.arrayOffset();
    int rOff = rBuf == null ? 0 : rBuf.arrayOffset();
    if (band == 0) {
      gy.zeroBorder(y, yOff, img, cb, cb + 1);
    }
    int w0 = cb * taps * L;
    int r0 = band * rowsPerBand;
    int r1 = Math.min(gy.h, r0 + rowsPerBand);
    int step = l.sw * L;
    for (int r = r0; r < r1; r++) {
      int xi = xOff + gx.offset(img, cb, r * l.sh - l.pt, -l.pl);
      int yi = yOff + gy.offset(img, cb, r, 0);
      int ri = res == null ? 0 : rOff + gr.offset(img, cb, r, 0);
      if (threeByThree) {
        BlockedDepthwise3x3.row(x, xi, gx.wp * L, l.sw, packed, w0, y, yi, gy.w);
      } else {
        int c = 0;
        for (; c + PIXELS <= gy.w; c += PIXELS) {
          BlockedDepthwiseTile.eight(x, xi + c * step, step, taps, tapOff, packed, w0, y,
              yi + c * L);
        }
        for (; c < gy.w; c++) {
          one(x, xi + c * step, w0, y, yi + c * L);
        }
      }
      act.finish(y, yi, gy.w * L, null, 0, true, bias, cb * L, res, ri, cb);
    }
  }

  private void one(float[] x, int at, int w0, float[] y, int yi) {
    FloatVector a = FloatVector.zero(S);
    for (int t = 0; t < taps; t++) {
      a = FloatVector.fromArray(S, x, at + tapOff[t])
          .fma(FloatVector.fromArray(S, packed, w0 + t * L), a);
    }
    a.intoArray(y, yi);
  }
}

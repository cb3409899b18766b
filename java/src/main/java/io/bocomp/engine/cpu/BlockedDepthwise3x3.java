package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One output row of a 3x3 depthwise convolution with dilation 1 and stride 1 or 2 on the blocked
 * layout: the inner loop of {@link BlockedDepthwiseKernel} for the shape MobileNet-style networks
 * use. The pixels go 8 at a time, the rest in groups of 4, 3, 2 or 1; each input vector is loaded
 * once for all the outputs of the group that read it (up to 3), and the nine tap weights once per
 * call, where the generic loop loads every input once per tap and a weight per tap: at stride 1,
 * 30 input loads per 8 outputs instead of 72. Each output sums its taps in the generic loop's
 * order (kernel row, then column; fused multiply-adds from zero), so both give the same floats.
 * Stride 2's groups are in {@link BlockedDepthwise3x3Stride2} (the 600-line limit).
 *
 * <p>Each group width and stride is its own method of at most ~2,600 bytes of bytecode: C1 gives up
 * on a larger method of vector code ("out of virtual registers"), and then a method may stay in
 * slow code, where the Vector API allocates every vector, until C2 compiles it, if ever. Generated
 * by {@code java/src/build/gen_depthwise3x3.py} (run from the repository root); change the
 * generator, then regenerate.
 */
final class BlockedDepthwise3x3 {
  private static final VectorSpecies<Float> S = BlockedMicroKernels.S;
  private static final int L = BlockedMicroKernels.LANES;

  private BlockedDepthwise3x3() {}

  /**
   * Writes the {@code n} output pixels of one row (no bias, no activation) at {@code y[yi..]}.
   *
   * @param x the input; {@code xi} is the first tap of the row's first pixel
   * @param xRow floats from one input row to the next
   * @param stride 1 or 2
   * @param w the packed weights; {@code w0} is the block's first tap ({@code [tap][L]})
   */
  static void row(float[] x, int xi, int xRow, int stride, float[] w, int w0, float[] y, int yi,
      int n) {
    int eights = n / 8;
    int c = 8 * eights;
    if (stride == 1) {
      if (eights > 0) {
        eightsStride1(x, xi, xRow, w, w0, y, yi, eights);
      }
      if (c + 4 <= n) {
        fourStride1(x, xi, xRow, w, w0, y, yi, c);
        c += 4;
      }
      if (c + 3 == n) {
        threeStride1(x, xi, xRow, w, w0, y, yi, c);
        return;
      }
      if (c + 2 == n) {
        twoStride1(x, xi, xRow, w, w0, y, yi, c);
        return;
      }
    } else {
      if (eights > 0) {
        BlockedDepthwise3x3Stride2.eights(x, xi, xRow, w, w0, y, yi, eights);
      }
      if (c + 4 <= n) {
        BlockedDepthwise3x3Stride2.four(x, xi, xRow, w, w0, y, yi, c);
        c += 4;
      }
      if (c + 3 == n) {
        BlockedDepthwise3x3Stride2.three(x, xi, xRow, w, w0, y, yi, c);
        return;
      }
      if (c + 2 == n) {
        BlockedDepthwise3x3Stride2.two(x, xi, xRow, w, w0, y, yi, c);
        return;
      }
    }
    if (c < n) {
      one(x, xi + c * stride * L, xRow, w, w0, y, yi + c * L);
    }
  }

  /** Pixels {@code 0 .. 8 * groups - 1} at stride 1, eight at a time. */
  private static void eightsStride1(float[] x, int xi, int xRow, float[] w, int w0, float[] y,
      int yi, int groups) {
    FloatVector w00 = FloatVector.fromArray(S, w, w0);
    FloatVector w01 = FloatVector.fromArray(S, w, w0 + 1 * L);
    FloatVector w02 = FloatVector.fromArray(S, w, w0 + 2 * L);
    FloatVector w10 = FloatVector.fromArray(S, w, w0 + 3 * L);
    FloatVector w11 = FloatVector.fromArray(S, w, w0 + 4 * L);
    FloatVector w12 = FloatVector.fromArray(S, w, w0 + 5 * L);
    FloatVector w20 = FloatVector.fromArray(S, w, w0 + 6 * L);
    FloatVector w21 = FloatVector.fromArray(S, w, w0 + 7 * L);
    FloatVector w22 = FloatVector.fromArray(S, w, w0 + 8 * L);
    for (int c = 0; c < 8 * groups; c += 8) {
      int at = xi + c * L;
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = FloatVector.zero(S);
      FloatVector a2 = FloatVector.zero(S);
      FloatVector a3 = FloatVector.zero(S);
      FloatVector a4 = FloatVector.zero(S);
      FloatVector a5 = FloatVector.zero(S);
      FloatVector a6 = FloatVector.zero(S);
      FloatVector a7 = FloatVector.zero(S);
      FloatVector v;
      v = FloatVector.fromArray(S, x, at);
      a0 = v.fma(w00, a0);
      v = FloatVector.fromArray(S, x, at + 1 * L);
      a0 = v.fma(w01, a0); a1 = v.fma(w00, a1);
      v = FloatVector.fromArray(S, x, at + 2 * L);
      a0 = v.fma(w02, a0); a1 = v.fma(w01, a1); a2 = v.fma(w00, a2);
      v = FloatVector.fromArray(S, x, at + 3 * L);
      a1 = v.fma(w02, a1); a2 = v.fma(w01, a2); a3 = v.fma(w00, a3);
      v = FloatVector.fromArray(S, x, at + 4 * L);
      a2 = v.fma(w02, a2); a3 = v.fma(w01, a3); a4 = v.fma(w00, a4);
      v = FloatVector.fromArray(S, x, at + 5 * L);
      a3 = v.fma(w02, a3); a4 = v.fma(w01, a4); a5 = v.fma(w00, a5);
      v = FloatVector.fromArray(S, x, at + 6 * L);
      a4 = v.fma(w02, a4); a5 = v.fma(w01, a5); a6 = v.fma(w00, a6);
      v = FloatVector.fromArray(S, x, at + 7 * L);
      a5 = v.fma(w02, a5); a6 = v.fma(w01, a6); a7 = v.fma(w00, a7);
      v = FloatVector.fromArray(S, x, at + 8 * L);
      a6 = v.fma(w02, a6); a7 = v.fma(w01, a7);
      v = FloatVector.fromArray(S, x, at + 9 * L);
      a7 = v.fma(w02, a7);
      v = FloatVector.fromArray(S, x, at + xRow);
      a0 = v.fma(w10, a0);
      v = FloatVector.fromArray(S, x, at + xRow + 1 * L);
      a0 = v.fma(w11, a0); a1 = v.fma(w10, a1);
      v = FloatVector.fromArray(S, x, at + xRow + 2 * L);
      a0 = v.fma(w12, a0); a1 = v.fma(w11, a1); a2 = v.fma(w10, a2);
      v = FloatVector.fromArray(S, x, at + xRow + 3 * L);
      a1 = v.fma(w12, a1); a2 = v.fma(w11, a2); a3 = v.fma(w10, a3);
      v = FloatVector.fromArray(S, x, at + xRow + 4 * L);
      a2 = v.fma(w12, a2); a3 = v.fma(w11, a3); a4 = v.fma(w10, a4);
      v = FloatVector.fromArray(S, x, at + xRow + 5 * L);
      a3 = v.fma(w12, a3); a4 = v.fma(w11, a4); a5 = v.fma(w10, a5);
      v = FloatVector.fromArray(S, x, at + xRow + 6 * L);
      a4 = v.fma(w12, a4); a5 = v.fma(w11, a5); a6 = v.fma(w10, a6);
      v = FloatVector.fromArray(S, x, at + xRow + 7 * L);
      a5 = v.fma(w12, a5); a6 = v.fma(w11, a6); a7 = v.fma(w10, a7);
      v = FloatVector.fromArray(S, x, at + xRow + 8 * L);
      a6 = v.fma(w12, a6); a7 = v.fma(w11, a7);
      v = FloatVector.fromArray(S, x, at + xRow + 9 * L);
      a7 = v.fma(w12, a7);
      v = FloatVector.fromArray(S, x, at + 2 * xRow);
      a0 = v.fma(w20, a0);
      v = FloatVector.fromArray(S, x, at + 2 * xRow + 1 * L);
      a0 = v.fma(w21, a0); a1 = v.fma(w20, a1);
      v = FloatVector.fromArray(S, x, at + 2 * xRow + 2 * L);
      a0 = v.fma(w22, a0); a1 = v.fma(w21, a1); a2 = v.fma(w20, a2);
      v = FloatVector.fromArray(S, x, at + 2 * xRow + 3 * L);
      a1 = v.fma(w22, a1); a2 = v.fma(w21, a2); a3 = v.fma(w20, a3);
      v = FloatVector.fromArray(S, x, at + 2 * xRow + 4 * L);
      a2 = v.fma(w22, a2); a3 = v.fma(w21, a3); a4 = v.fma(w20, a4);
      v = FloatVector.fromArray(S, x, at + 2 * xRow + 5 * L);
      a3 = v.fma(w22, a3); a4 = v.fma(w21, a4); a5 = v.fma(w20, a5);
      v = FloatVector.fromArray(S, x, at + 2 * xRow + 6 * L);
      a4 = v.fma(w22, a4); a5 = v.fma(w21, a5); a6 = v.fma(w20, a6);
      v = FloatVector.fromArray(S, x, at + 2 * xRow + 7 * L);
      a5 = v.fma(w22, a5); a6 = v.fma(w21, a6); a7 = v.fma(w20, a7);
      v = FloatVector.fromArray(S, x, at + 2 * xRow + 8 * L);
      a6 = v.fma(w22, a6); a7 = v.fma(w21, a7);
      v = FloatVector.fromArray(S, x, at + 2 * xRow + 9 * L);
      a7 = v.fma(w22, a7);
      a0.intoArray(y, yi + c * L);
      a1.intoArray(y, yi + c * L + 1 * L);
      a2.intoArray(y, yi + c * L + 2 * L);
      a3.intoArray(y, yi + c * L + 3 * L);
      a4.intoArray(y, yi + c * L + 4 * L);
      a5.intoArray(y, yi + c * L + 5 * L);
      a6.intoArray(y, yi + c * L + 6 * L);
      a7.intoArray(y, yi + c * L + 7 * L);
    }
  }

  /** Pixels {@code c .. c + 3} at stride 1. */
  private static void fourStride1(float[] x, int xi, int xRow, float[] w, int w0, float[] y,
      int yi, int c) {
    FloatVector w00 = FloatVector.fromArray(S, w, w0);
    FloatVector w01 = FloatVector.fromArray(S, w, w0 + 1 * L);
    FloatVector w02 = FloatVector.fromArray(S, w, w0 + 2 * L);
    FloatVector w10 = FloatVector.fromArray(S, w, w0 + 3 * L);
    FloatVector w11 = FloatVector.fromArray(S, w, w0 + 4 * L);
    FloatVector w12 = FloatVector.fromArray(S, w, w0 + 5 * L);
    FloatVector w20 = FloatVector.fromArray(S, w, w0 + 6 * L);
    FloatVector w21 = FloatVector.fromArray(S, w, w0 + 7 * L);
    FloatVector w22 = FloatVector.fromArray(S, w, w0 + 8 * L);
    int at = xi + c * L;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector a2 = FloatVector.zero(S);
    FloatVector a3 = FloatVector.zero(S);
    FloatVector v;
    v = FloatVector.fromArray(S, x, at);
    a0 = v.fma(w00, a0);
    v = FloatVector.fromArray(S, x, at + 1 * L);
    a0 = v.fma(w01, a0); a1 = v.fma(w00, a1);
    v = FloatVector.fromArray(S, x, at + 2 * L);
    a0 = v.fma(w02, a0); a1 = v.fma(w01, a1); a2 = v.fma(w00, a2);
    v = FloatVector.fromArray(S, x, at + 3 * L);
    a1 = v.fma(w02, a1); a2 = v.fma(w01, a2); a3 = v.fma(w00, a3);
    v = FloatVector.fromArray(S, x, at + 4 * L);
    a2 = v.fma(w02, a2); a3 = v.fma(w01, a3);
    v = FloatVector.fromArray(S, x, at + 5 * L);
    a3 = v.fma(w02, a3);
    v = FloatVector.fromArray(S, x, at + xRow);
    a0 = v.fma(w10, a0);
    v = FloatVector.fromArray(S, x, at + xRow + 1 * L);
    a0 = v.fma(w11, a0); a1 = v.fma(w10, a1);
    v = FloatVector.fromArray(S, x, at + xRow + 2 * L);
    a0 = v.fma(w12, a0); a1 = v.fma(w11, a1); a2 = v.fma(w10, a2);
    v = FloatVector.fromArray(S, x, at + xRow + 3 * L);
    a1 = v.fma(w12, a1); a2 = v.fma(w11, a2); a3 = v.fma(w10, a3);
    v = FloatVector.fromArray(S, x, at + xRow + 4 * L);
    a2 = v.fma(w12, a2); a3 = v.fma(w11, a3);
    v = FloatVector.fromArray(S, x, at + xRow + 5 * L);
    a3 = v.fma(w12, a3);
    v = FloatVector.fromArray(S, x, at + 2 * xRow);
    a0 = v.fma(w20, a0);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 1 * L);
    a0 = v.fma(w21, a0); a1 = v.fma(w20, a1);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 2 * L);
    a0 = v.fma(w22, a0); a1 = v.fma(w21, a1); a2 = v.fma(w20, a2);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 3 * L);
    a1 = v.fma(w22, a1); a2 = v.fma(w21, a2); a3 = v.fma(w20, a3);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 4 * L);
    a2 = v.fma(w22, a2); a3 = v.fma(w21, a3);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 5 * L);
    a3 = v.fma(w22, a3);
    a0.intoArray(y, yi + c * L);
    a1.intoArray(y, yi + c * L + 1 * L);
    a2.intoArray(y, yi + c * L + 2 * L);
    a3.intoArray(y, yi + c * L + 3 * L);
  }

  /** Pixels {@code c .. c + 2} at stride 1. */
  private static void threeStride1(float[] x, int xi, int xRow, float[] w, int w0, float[] y,
      int yi, int c) {
    FloatVector w00 = FloatVector.fromArray(S, w, w0);
    FloatVector w01 = FloatVector.fromArray(S, w, w0 + 1 * L);
    FloatVector w02 = FloatVector.fromArray(S, w, w0 + 2 * L);
    FloatVector w10 = FloatVector.fromArray(S, w, w0 + 3 * L);
    FloatVector w11 = FloatVector.fromArray(S, w, w0 + 4 * L);
    FloatVector w12 = FloatVector.fromArray(S, w, w0 + 5 * L);
    FloatVector w20 = FloatVector.fromArray(S, w, w0 + 6 * L);
    FloatVector w21 = FloatVector.fromArray(S, w, w0 + 7 * L);
    FloatVector w22 = FloatVector.fromArray(S, w, w0 + 8 * L);
    int at = xi + c * L;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector a2 = FloatVector.zero(S);
    FloatVector v;
    v = FloatVector.fromArray(S, x, at);
    a0 = v.fma(w00, a0);
    v = FloatVector.fromArray(S, x, at + 1 * L);
    a0 = v.fma(w01, a0); a1 = v.fma(w00, a1);
    v = FloatVector.fromArray(S, x, at + 2 * L);
    a0 = v.fma(w02, a0); a1 = v.fma(w01, a1); a2 = v.fma(w00, a2);
    v = FloatVector.fromArray(S, x, at + 3 * L);
    a1 = v.fma(w02, a1); a2 = v.fma(w01, a2);
    v = FloatVector.fromArray(S, x, at + 4 * L);
    a2 = v.fma(w02, a2);
    v = FloatVector.fromArray(S, x, at + xRow);
    a0 = v.fma(w10, a0);
    v = FloatVector.fromArray(S, x, at + xRow + 1 * L);
    a0 = v.fma(w11, a0); a1 = v.fma(w10, a1);
    v = FloatVector.fromArray(S, x, at + xRow + 2 * L);
    a0 = v.fma(w12, a0); a1 = v.fma(w11, a1); a2 = v.fma(w10, a2);
    v = FloatVector.fromArray(S, x, at + xRow + 3 * L);
    a1 = v.fma(w12, a1); a2 = v.fma(w11, a2);
    v = FloatVector.fromArray(S, x, at + xRow + 4 * L);
    a2 = v.fma(w12, a2);
    v = FloatVector.fromArray(S, x, at + 2 * xRow);
    a0 = v.fma(w20, a0);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 1 * L);
    a0 = v.fma(w21, a0); a1 = v.fma(w20, a1);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 2 * L);
    a0 = v.fma(w22, a0); a1 = v.fma(w21, a1); a2 = v.fma(w20, a2);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 3 * L);
    a1 = v.fma(w22, a1); a2 = v.fma(w21, a2);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 4 * L);
    a2 = v.fma(w22, a2);
    a0.intoArray(y, yi + c * L);
    a1.intoArray(y, yi + c * L + 1 * L);
    a2.intoArray(y, yi + c * L + 2 * L);
  }

  /** Pixels {@code c .. c + 1} at stride 1. */
  private static void twoStride1(float[] x, int xi, int xRow, float[] w, int w0, float[] y,
      int yi, int c) {
    FloatVector w00 = FloatVector.fromArray(S, w, w0);
    FloatVector w01 = FloatVector.fromArray(S, w, w0 + 1 * L);
    FloatVector w02 = FloatVector.fromArray(S, w, w0 + 2 * L);
    FloatVector w10 = FloatVector.fromArray(S, w, w0 + 3 * L);
    FloatVector w11 = FloatVector.fromArray(S, w, w0 + 4 * L);
    FloatVector w12 = FloatVector.fromArray(S, w, w0 + 5 * L);
    FloatVector w20 = FloatVector.fromArray(S, w, w0 + 6 * L);
    FloatVector w21 = FloatVector.fromArray(S, w, w0 + 7 * L);
    FloatVector w22 = FloatVector.fromArray(S, w, w0 + 8 * L);
    int at = xi + c * L;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector v;
    v = FloatVector.fromArray(S, x, at);
    a0 = v.fma(w00, a0);
    v = FloatVector.fromArray(S, x, at + 1 * L);
    a0 = v.fma(w01, a0); a1 = v.fma(w00, a1);
    v = FloatVector.fromArray(S, x, at + 2 * L);
    a0 = v.fma(w02, a0); a1 = v.fma(w01, a1);
    v = FloatVector.fromArray(S, x, at + 3 * L);
    a1 = v.fma(w02, a1);
    v = FloatVector.fromArray(S, x, at + xRow);
    a0 = v.fma(w10, a0);
    v = FloatVector.fromArray(S, x, at + xRow + 1 * L);
    a0 = v.fma(w11, a0); a1 = v.fma(w10, a1);
    v = FloatVector.fromArray(S, x, at + xRow + 2 * L);
    a0 = v.fma(w12, a0); a1 = v.fma(w11, a1);
    v = FloatVector.fromArray(S, x, at + xRow + 3 * L);
    a1 = v.fma(w12, a1);
    v = FloatVector.fromArray(S, x, at + 2 * xRow);
    a0 = v.fma(w20, a0);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 1 * L);
    a0 = v.fma(w21, a0); a1 = v.fma(w20, a1);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 2 * L);
    a0 = v.fma(w22, a0); a1 = v.fma(w21, a1);
    v = FloatVector.fromArray(S, x, at + 2 * xRow + 3 * L);
    a1 = v.fma(w22, a1);
    a0.intoArray(y, yi + c * L);
    a1.intoArray(y, yi + c * L + 1 * L);
  }

  /** One pixel whose first tap is {@code x[at]}; one loop over the taps, as the generic kernel. */
  private static void one(float[] x, int at, int xRow, float[] w, int w0, float[] y, int yi) {
    FloatVector a = FloatVector.zero(S);
    for (int t = 0; t < 9; t++) {
      a = FloatVector.fromArray(S, x, at + (t / 3) * xRow + (t % 3) * L)
          .fma(FloatVector.fromArray(S, w, w0 + t * L), a);
    }
    a.intoArray(y, yi);
  }
}

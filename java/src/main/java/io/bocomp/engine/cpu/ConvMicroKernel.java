package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loops of {@link VectorConvKernel}, written with the incubating
 * Vector API (256-bit vectors: AVX2 on x86). A tile is {@value #PIXELS} consecutive output pixels
 * by 16 (or 8) output channels, accumulated in 12 (or 6) vector registers over the {@code K}
 * taps: per tap, one or two weight vectors are loaded (8 output channels each, packed
 * tap-major at plan time) and each pixel's input value is broadcast and multiplied into them
 * (fused multiply-add). With 12 accumulators, 2 weight registers and 1 broadcast register the
 * loop keeps 15 of AVX2's 16 vector registers busy and needs 8 loads per 12 FMAs, so it is bound
 * by the FMA units, not by loads.
 *
 * <p>The pixels of a tile are at {@code base + offset[k] + p} for {@code p < 6}: consecutive
 * addresses with constant offsets from one index, so C2 checks the array bounds once per tap
 * rather than once per load ({@link PolyphaseStaging} arranges the input that way). HotSpot keeps
 * the accumulators in registers only while this loop is a single loop in one method; a nested
 * loop over taps and channels made C2 box the vectors (measured 30x slower on JDK 17).
 *
 * <p>Only {@link VectorConvKernel} loads this class, and only when the {@code
 * jdk.incubator.vector} module is present ({@link VectorSupport}).
 */
final class ConvMicroKernel {
  /** Output pixels per tile. */
  static final int PIXELS = 6;
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  /** 512-bit vectors when the JVM's kernels use them ({@link VectorShape}): one per 16 channels. */
  private static final VectorSpecies<Float> W = VectorShape.FLOATS;
  private static final boolean WIDE = W.length() == 16;
  /** The first 8 lanes of a wide vector. */
  private static final VectorMask<Float> HALF = WIDE ? W.indexInRange(0, 8) : null;

  private ConvMicroKernel() {}

  /** True if 256-bit float vectors are hardware vectors here (else the Vector API emulates). */
  static boolean hardwareSupported() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  /**
   * {@code out[p * 16 + o] = bias[b0 + o] + sum_k w[w0 + 16 k + o] * x[base + offset[k] + p]} for
   * 6 pixels {@code p} and 16 output channels {@code o}.
   */
  static void tile16(float[] x, int base, int[] offset, int k, float[] w, int w0, float[] bias,
      int b0, float[] out) {
    if (WIDE) {
      tile16Wide(x, base, offset, k, w, w0, bias, b0, out);
      return;
    }
    FloatVector c0 = FloatVector.fromArray(S, bias, b0);
    FloatVector c1 = FloatVector.fromArray(S, bias, b0 + 8);
    FloatVector a00 = c0;
    FloatVector a01 = c1;
    FloatVector a10 = c0;
    FloatVector a11 = c1;
    FloatVector a20 = c0;
    FloatVector a21 = c1;
    FloatVector a30 = c0;
    FloatVector a31 = c1;
    FloatVector a40 = c0;
    FloatVector a41 = c1;
    FloatVector a50 = c0;
    FloatVector a51 = c1;
    for (int i = 0; i < k; i++) {
      FloatVector v0 = FloatVector.fromArray(S, w, w0 + 16 * i);
      FloatVector v1 = FloatVector.fromArray(S, w, w0 + 16 * i + 8);
      int o = base + offset[i];
      FloatVector b = FloatVector.broadcast(S, x[o]);
      a00 = b.fma(v0, a00);
      a01 = b.fma(v1, a01);
      b = FloatVector.broadcast(S, x[o + 1]);
      a10 = b.fma(v0, a10);
      a11 = b.fma(v1, a11);
      b = FloatVector.broadcast(S, x[o + 2]);
      a20 = b.fma(v0, a20);
      a21 = b.fma(v1, a21);
      b = FloatVector.broadcast(S, x[o + 3]);
      a30 = b.fma(v0, a30);
      a31 = b.fma(v1, a31);
      b = FloatVector.broadcast(S, x[o + 4]);
      a40 = b.fma(v0, a40);
      a41 = b.fma(v1, a41);
      b = FloatVector.broadcast(S, x[o + 5]);
      a50 = b.fma(v0, a50);
      a51 = b.fma(v1, a51);
    }
    a00.intoArray(out, 0);
    a01.intoArray(out, 8);
    a10.intoArray(out, 16);
    a11.intoArray(out, 24);
    a20.intoArray(out, 32);
    a21.intoArray(out, 40);
    a30.intoArray(out, 48);
    a31.intoArray(out, 56);
    a40.intoArray(out, 64);
    a41.intoArray(out, 72);
    a50.intoArray(out, 80);
    a51.intoArray(out, 88);
  }

  /** {@link #tile16} for 8 output channels ({@code w} packed 8 wide): {@code out[p * 8 + o]}. */
  static void tile8(float[] x, int base, int[] offset, int k, float[] w, int w0, float[] bias,
      int b0, float[] out) {
    if (WIDE) {
      tile8Wide(x, base, offset, k, w, w0, bias, b0, out);
      return;
    }
    FloatVector c0 = FloatVector.fromArray(S, bias, b0);
    FloatVector a0 = c0;
    FloatVector a1 = c0;
    FloatVector a2 = c0;
    FloatVector a3 = c0;
    FloatVector a4 = c0;
    FloatVector a5 = c0;
    for (int i = 0; i < k; i++) {
      FloatVector v = FloatVector.fromArray(S, w, w0 + 8 * i);
      int o = base + offset[i];
      a0 = FloatVector.broadcast(S, x[o]).fma(v, a0);
      a1 = FloatVector.broadcast(S, x[o + 1]).fma(v, a1);
      a2 = FloatVector.broadcast(S, x[o + 2]).fma(v, a2);
      a3 = FloatVector.broadcast(S, x[o + 3]).fma(v, a3);
      a4 = FloatVector.broadcast(S, x[o + 4]).fma(v, a4);
      a5 = FloatVector.broadcast(S, x[o + 5]).fma(v, a5);
    }
    a0.intoArray(out, 0);
    a1.intoArray(out, 8);
    a2.intoArray(out, 16);
    a3.intoArray(out, 24);
    a4.intoArray(out, 32);
    a5.intoArray(out, 40);
  }

  /** {@link #tile16} with one 512-bit vector per tap and pixel. */
  private static void tile16Wide(float[] x, int base, int[] offset, int k, float[] w, int w0,
      float[] bias, int b0, float[] out) {
    FloatVector c = FloatVector.fromArray(W, bias, b0);
    FloatVector a0 = c;
    FloatVector a1 = c;
    FloatVector a2 = c;
    FloatVector a3 = c;
    FloatVector a4 = c;
    FloatVector a5 = c;
    for (int i = 0; i < k; i++) {
      FloatVector v = FloatVector.fromArray(W, w, w0 + 16 * i);
      int o = base + offset[i];
      a0 = FloatVector.broadcast(W, x[o]).fma(v, a0);
      a1 = FloatVector.broadcast(W, x[o + 1]).fma(v, a1);
      a2 = FloatVector.broadcast(W, x[o + 2]).fma(v, a2);
      a3 = FloatVector.broadcast(W, x[o + 3]).fma(v, a3);
      a4 = FloatVector.broadcast(W, x[o + 4]).fma(v, a4);
      a5 = FloatVector.broadcast(W, x[o + 5]).fma(v, a5);
    }
    a0.intoArray(out, 0);
    a1.intoArray(out, 16);
    a2.intoArray(out, 32);
    a3.intoArray(out, 48);
    a4.intoArray(out, 64);
    a5.intoArray(out, 80);
  }

  /** {@link #tile8} on the first 8 lanes of 512-bit vectors (masked loads and stores). */
  private static void tile8Wide(float[] x, int base, int[] offset, int k, float[] w, int w0,
      float[] bias, int b0, float[] out) {
    FloatVector c = FloatVector.fromArray(W, bias, b0, HALF);
    FloatVector a0 = c;
    FloatVector a1 = c;
    FloatVector a2 = c;
    FloatVector a3 = c;
    FloatVector a4 = c;
    FloatVector a5 = c;
    for (int i = 0; i < k; i++) {
      FloatVector v = FloatVector.fromArray(W, w, w0 + 8 * i, HALF);
      int o = base + offset[i];
      a0 = FloatVector.broadcast(W, x[o]).fma(v, a0);
      a1 = FloatVector.broadcast(W, x[o + 1]).fma(v, a1);
      a2 = FloatVector.broadcast(W, x[o + 2]).fma(v, a2);
      a3 = FloatVector.broadcast(W, x[o + 3]).fma(v, a3);
      a4 = FloatVector.broadcast(W, x[o + 4]).fma(v, a4);
      a5 = FloatVector.broadcast(W, x[o + 5]).fma(v, a5);
    }
    a0.intoArray(out, 0, HALF);
    a1.intoArray(out, 8, HALF);
    a2.intoArray(out, 16, HALF);
    a3.intoArray(out, 24, HALF);
    a4.intoArray(out, 32, HALF);
    a5.intoArray(out, 40, HALF);
  }
}

package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API loops of {@link VectorWinogradKernel} (Winograd F(2x2, 3x3)), vectorized across
 * 8 neighbouring tiles of one tile row:
 *
 * <ul>
 *   <li>{@link #inputTiles}: {@code V = B^T d B} of 8 input tiles at once, from input rows staged
 *       as even and odd columns (so the 4 columns of 8 tiles are 4 unit-stride vectors);
 *   <li>{@link #gemm6x16}: 6 output channels by 16 tiles of one of the 16 products
 *       {@code M_xi = U_xi V_xi}, accumulated over the input channels in 12 vector registers
 *       (the 6 weights of a channel are broadcast, the 16 tiles loaded as 2 vectors);
 *   <li>{@link #outputTiles}: {@code Y = A^T M A} of 8 tiles, plus the bias.
 * </ul>
 *
 * <p>Index arithmetic is kept affine in the loop counter with constant scales where C2 must
 * remove bounds checks (broadcast operands): with a variable scale the checks stay and the
 * product loop ran at 70 instead of 83 GFLOP/s on one Zen 2 core.
 *
 * <p>Only loaded when the {@code jdk.incubator.vector} module is present ({@link VectorSupport}).
 */
final class WinogradVectorOps {
  /** Tiles per vector. */
  static final int LANES = 8;
  /** Output channels per product block. */
  static final int BLOCK_M = 6;
  /** Tiles per product block. */
  static final int BLOCK_T = 16;
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

  private WinogradVectorOps() {}

  /**
   * Transforms 8 input tiles. Row {@code a} of the tiles' 4x4 inputs is, at {@code tx = 0..7},
   * {@code s[ea + tx]}, {@code s[oa + tx]}, {@code s[ea + tx + 1]}, {@code s[oa + tx + 1]} with
   * {@code ea = e0 + a * pitch}, {@code oa = o0 + a * pitch} (the even and odd padded columns of
   * input row {@code a}); element {@code xi} of tile {@code tx} goes to
   * {@code v[v0 + xi * xiStride + tx]}.
   */
  static void inputTiles(float[] s, int e0, int o0, int pitch, float[] v, int v0,
      int xiStride) {
    // d B for each of the 4 rows: z_a0 = d0 - d2, z_a1 = d1 + d2, z_a2 = d2 - d1, z_a3 = d1 - d3
    FloatVector d0 = FloatVector.fromArray(S, s, e0);
    FloatVector d1 = FloatVector.fromArray(S, s, o0);
    FloatVector d2 = FloatVector.fromArray(S, s, e0 + 1);
    FloatVector d3 = FloatVector.fromArray(S, s, o0 + 1);
    FloatVector z00 = d0.sub(d2);
    FloatVector z01 = d1.add(d2);
    FloatVector z02 = d2.sub(d1);
    FloatVector z03 = d1.sub(d3);
    d0 = FloatVector.fromArray(S, s, e0 + pitch);
    d1 = FloatVector.fromArray(S, s, o0 + pitch);
    d2 = FloatVector.fromArray(S, s, e0 + pitch + 1);
    d3 = FloatVector.fromArray(S, s, o0 + pitch + 1);
    FloatVector z10 = d0.sub(d2);
    FloatVector z11 = d1.add(d2);
    FloatVector z12 = d2.sub(d1);
    FloatVector z13 = d1.sub(d3);
    d0 = FloatVector.fromArray(S, s, e0 + 2 * pitch);
    d1 = FloatVector.fromArray(S, s, o0 + 2 * pitch);
    d2 = FloatVector.fromArray(S, s, e0 + 2 * pitch + 1);
    d3 = FloatVector.fromArray(S, s, o0 + 2 * pitch + 1);
    FloatVector z20 = d0.sub(d2);
    FloatVector z21 = d1.add(d2);
    FloatVector z22 = d2.sub(d1);
    FloatVector z23 = d1.sub(d3);
    // B^T (d B): rows 0 - 2, 1 + 2, 2 - 1, 1 - 3; row 0 and 3 need row 3 of d B
    z00.sub(z20).intoArray(v, v0);
    z01.sub(z21).intoArray(v, v0 + xiStride);
    z02.sub(z22).intoArray(v, v0 + 2 * xiStride);
    z03.sub(z23).intoArray(v, v0 + 3 * xiStride);
    z10.add(z20).intoArray(v, v0 + 4 * xiStride);
    z11.add(z21).intoArray(v, v0 + 5 * xiStride);
    z12.add(z22).intoArray(v, v0 + 6 * xiStride);
    z13.add(z23).intoArray(v, v0 + 7 * xiStride);
    z20.sub(z10).intoArray(v, v0 + 8 * xiStride);
    z21.sub(z11).intoArray(v, v0 + 9 * xiStride);
    z22.sub(z12).intoArray(v, v0 + 10 * xiStride);
    z23.sub(z13).intoArray(v, v0 + 11 * xiStride);
    d0 = FloatVector.fromArray(S, s, e0 + 3 * pitch);
    d1 = FloatVector.fromArray(S, s, o0 + 3 * pitch);
    d2 = FloatVector.fromArray(S, s, e0 + 3 * pitch + 1);
    d3 = FloatVector.fromArray(S, s, o0 + 3 * pitch + 1);
    z10.sub(d0.sub(d2)).intoArray(v, v0 + 12 * xiStride);
    z11.sub(d1.add(d2)).intoArray(v, v0 + 13 * xiStride);
    z12.sub(d2.sub(d1)).intoArray(v, v0 + 14 * xiStride);
    z13.sub(d1.sub(d3)).intoArray(v, v0 + 15 * xiStride);
  }

  /**
   * {@code out[i * 16 + t] = sum_c u[u0 + 6 c + i] * v[v0 + c * pitch + t]} for 6 output
   * channels {@code i} and 16 tiles {@code t}, over {@code channels} input channels.
   */
  static void gemm6x16(float[] u, int u0, float[] v, int v0, int pitch, int channels,
      float[] out, int out0) {
    FloatVector a00 = FloatVector.zero(S);
    FloatVector a01 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a40 = a00;
    FloatVector a41 = a00;
    FloatVector a50 = a00;
    FloatVector a51 = a00;
    for (int c = 0; c < channels; c++) {
      int vi = v0 + c * pitch;
      FloatVector t0 = FloatVector.fromArray(S, v, vi);
      FloatVector t1 = FloatVector.fromArray(S, v, vi + 8);
      int ui = u0 + c * BLOCK_M;
      FloatVector b = FloatVector.broadcast(S, u[ui]);
      a00 = b.fma(t0, a00);
      a01 = b.fma(t1, a01);
      b = FloatVector.broadcast(S, u[ui + 1]);
      a10 = b.fma(t0, a10);
      a11 = b.fma(t1, a11);
      b = FloatVector.broadcast(S, u[ui + 2]);
      a20 = b.fma(t0, a20);
      a21 = b.fma(t1, a21);
      b = FloatVector.broadcast(S, u[ui + 3]);
      a30 = b.fma(t0, a30);
      a31 = b.fma(t1, a31);
      b = FloatVector.broadcast(S, u[ui + 4]);
      a40 = b.fma(t0, a40);
      a41 = b.fma(t1, a41);
      b = FloatVector.broadcast(S, u[ui + 5]);
      a50 = b.fma(t0, a50);
      a51 = b.fma(t1, a51);
    }
    a00.intoArray(out, out0);
    a01.intoArray(out, out0 + 8);
    a10.intoArray(out, out0 + 16);
    a11.intoArray(out, out0 + 24);
    a20.intoArray(out, out0 + 32);
    a21.intoArray(out, out0 + 40);
    a30.intoArray(out, out0 + 48);
    a31.intoArray(out, out0 + 56);
    a40.intoArray(out, out0 + 64);
    a41.intoArray(out, out0 + 72);
    a50.intoArray(out, out0 + 80);
    a51.intoArray(out, out0 + 88);
  }

  /**
   * {@code Y = A^T M A + bias} of 8 tiles whose 16 products are {@code m[m0 + xi * xiStride + t]};
   * writes output pixel {@code (a, b)} of tile {@code t} to {@code y[y0 + (2 a + b) * 8 + t]}.
   */
  static void outputTiles(float[] m, int m0, int xiStride, float bias, float[] y, int y0) {
    // s = A^T M (rows 0 + 1 + 2 and 1 - 2 - 3), then y = s A (columns the same way)
    FloatVector m0v = FloatVector.fromArray(S, m, m0);
    FloatVector m1v = FloatVector.fromArray(S, m, m0 + xiStride);
    FloatVector m2v = FloatVector.fromArray(S, m, m0 + 2 * xiStride);
    FloatVector m3v = FloatVector.fromArray(S, m, m0 + 3 * xiStride);
    FloatVector m4v = FloatVector.fromArray(S, m, m0 + 4 * xiStride);
    FloatVector m5v = FloatVector.fromArray(S, m, m0 + 5 * xiStride);
    FloatVector m6v = FloatVector.fromArray(S, m, m0 + 6 * xiStride);
    FloatVector m7v = FloatVector.fromArray(S, m, m0 + 7 * xiStride);
    FloatVector s0 = m0v.add(m4v);
    FloatVector s1 = m1v.add(m5v);
    FloatVector s2 = m2v.add(m6v);
    FloatVector s3 = m3v.add(m7v);
    FloatVector q0 = m4v;
    FloatVector q1 = m5v;
    FloatVector q2 = m6v;
    FloatVector q3 = m7v;
    FloatVector m8 = FloatVector.fromArray(S, m, m0 + 8 * xiStride);
    FloatVector m9 = FloatVector.fromArray(S, m, m0 + 9 * xiStride);
    FloatVector m10 = FloatVector.fromArray(S, m, m0 + 10 * xiStride);
    FloatVector m11 = FloatVector.fromArray(S, m, m0 + 11 * xiStride);
    s0 = s0.add(m8);
    s1 = s1.add(m9);
    s2 = s2.add(m10);
    s3 = s3.add(m11);
    q0 = q0.sub(m8);
    q1 = q1.sub(m9);
    q2 = q2.sub(m10);
    q3 = q3.sub(m11);
    q0 = q0.sub(FloatVector.fromArray(S, m, m0 + 12 * xiStride));
    q1 = q1.sub(FloatVector.fromArray(S, m, m0 + 13 * xiStride));
    q2 = q2.sub(FloatVector.fromArray(S, m, m0 + 14 * xiStride));
    q3 = q3.sub(FloatVector.fromArray(S, m, m0 + 15 * xiStride));
    FloatVector b = FloatVector.broadcast(S, bias);
    s0.add(s1).add(s2).add(b).intoArray(y, y0);
    s1.sub(s2).sub(s3).add(b).intoArray(y, y0 + 8);
    q0.add(q1).add(q2).add(b).intoArray(y, y0 + 16);
    q1.sub(q2).sub(q3).add(b).intoArray(y, y0 + 24);
  }
}

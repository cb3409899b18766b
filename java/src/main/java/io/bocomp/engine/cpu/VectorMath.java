package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float transcendental functions on {@link VectorShape#FLOATS} vectors, for the kernels whose
 * scalar paths call {@link Math#exp} or {@link ErrorFunction} once per element (Softmax, Gelu):
 * polynomial approximations in float, evaluated with fused multiply-adds, no divisions.
 *
 * <ul>
 *   <li>{@link #exp}: Cephes' {@code expf}. {@code n = round(x log2 e)} (the 1.5 * 2^23 trick),
 *       {@code r = x - n ln 2} (ln 2 in two parts), {@code e^r = 1 + r + r^2 P(r)} with P of
 *       degree 5, times {@code 2^n} built in the exponent bits. Relative error about 1 ulp
 *       (measured by {@code VectorMathTest}: at most 2 ulp). Domain: {@code x <= 88} (the callers
 *       pass {@code x <= 0}); below -87.33 (where {@code e^x} is no longer a normal float) the
 *       result is 0, above 88 it is +infinity; NaN gives NaN.
 *   <li>{@link #erf}: two pieces split at {@code |x| = 0.921875}. Below, {@code x P(x^2)}, P of
 *       degree 5; above, {@code sign(x) (1 - exp(Q(|x| - 0.921875)))}, Q of degree 8 approximating
 *       {@code log erfc} on [0.921875, 3.925] (beyond 3.925, erfc is below half an ulp of 1 and
 *       the result is +-1). Coefficients: iteratively reweighted least squares (near minimax)
 *       against mpmath at 40 digits, rounded to float. Absolute error at most about 1.1e-7
 *       (2.5 ulp near |x| = 0.45; measured by {@code VectorMathTest}), against below 1 ulp for
 *       {@link ErrorFunction}: the standalone Erf op keeps the exact scalar path, the vector one
 *       serves Gelu, whose output is dominated by {@code x/2 (1 + erf)}.
 * </ul>
 *
 * <p>The array loops work on whole vectors and finish a tail shorter than a vector with the
 * scalar functions; callers that can pad their rows to a multiple of {@link #L} avoid the tail.
 * Load only when {@link VectorSupport#enabled()}.
 */
final class VectorMath {
  static final VectorSpecies<Float> S = VectorShape.FLOATS;
  /** Floats per vector. */
  static final int L = S.length();

  private static final float LOG2E = 1.44269504088896341f;
  private static final float MAGIC = 12582912f; // 1.5 * 2^23
  private static final int MAGIC_BITS = 0x4B400000;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  private static final float EXP_LO = -87.33654f;
  private static final float EXP_HI = 88f;
  private static final float ERF_SPLIT = 0.921875f;
  private static final float ERF_HI = 3.925f;
  private static final float SQRT_HALF = 0.70710678118654752f;

  private VectorMath() {}

  /** {@code p * x + c}. */
  private static FloatVector horner(FloatVector p, FloatVector x, float c) {
    return p.fma(x, FloatVector.broadcast(S, c));
  }

  /** {@code e^x} lane-wise (domain and accuracy in the class comment). */
  static FloatVector exp(FloatVector x) {
    // out of range lanes compute garbage, replaced by the blends at the end
    FloatVector t = x.fma(LOG2E, MAGIC);
    FloatVector n = t.sub(MAGIC);
    FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
    r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
    p = horner(p, r, 1.3981999507e-3f);
    p = horner(p, r, 8.3334519073e-3f);
    p = horner(p, r, 4.1665795894e-2f);
    p = horner(p, r, 1.6666665459e-1f);
    p = horner(p, r, 5.0000001201e-1f);
    FloatVector y = p.fma(r.mul(r), r).add(1f);
    IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(MAGIC_BITS - 127)
        .lanewise(VectorOperators.LSHL, 23);
    y = y.mul(bits.reinterpretAsFloats());
    y = y.blend(0f, x.compare(VectorOperators.LT, EXP_LO));
    return y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
  }

  /** {@code erf(x)} lane-wise (accuracy in the class comment). */
  static FloatVector erf(FloatVector x) {
    FloatVector a = x.abs();
    FloatVector t = x.mul(x);
    FloatVector p = FloatVector.broadcast(S, -6.013390375301242e-4f);
    p = horner(p, t, 4.997999873012304e-3f);
    p = horner(p, t, -2.6770230382680893e-2f);
    p = horner(p, t, 1.1281926929950714e-1f);
    p = horner(p, t, -3.761250674724579e-1f);
    p = horner(p, t, 1.1283791065216064f);
    FloatVector small = x.mul(p);
    FloatVector u = a.min(ERF_HI).sub(ERF_SPLIT);
    FloatVector q = FloatVector.broadcast(S, 1.6306649968100828e-6f);
    q = horner(q, u, -3.386771641089581e-5f);
    q = horner(q, u, 3.3775807241909206e-4f);
    q = horner(q, u, -2.20600632019341e-3f);
    q = horner(q, u, 1.0905151255428791e-2f);
    q = horner(q, u, -4.4848404824733734e-2f);
    q = horner(q, u, -8.329841494560242e-1f);
    q = horner(q, u, -2.5080127716064453f);
    q = horner(q, u, -1.648561954498291f);
    FloatVector big = exp(q).neg().add(1f);
    big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
    return small.blend(big, a.compare(VectorOperators.GE, ERF_SPLIT));
  }

  /** {@code x/2 (1 + erf(x / sqrt 2))} lane-wise (the reference for the loop below). */
  static FloatVector gelu(FloatVector x) {
    return x.mul(0.5f).mul(erf(x.mul(SQRT_HALF)).add(1f));
  }

  /**
   * {@link #gelu} on {@code a[from, to)} in place, {@code tmp} (at least {@code to - from} long)
   * holding an intermediate; a tail shorter than a vector in double. The body is
   * {@link #gelu(FloatVector)} written out in two loops of their own methods: called on short
   * rows (a GEMM epilogue), C2 does not count the calls in a loop as hot enough to inline methods
   * of this size (and a vector passed to a method that is not inlined is boxed); in one method
   * of 60 vector operations, C2 now and then gave up intrinsifying the last store (one JVM in
   * two: the MLP step 2.2x slower).
   */
  static void gelu(float[] a, int from, int to, float[] tmp) {
    int end = from + (to - from) / L * L;
    erfTailLog(a, from, end, tmp);
    geluFinish(a, from, end, tmp);
    for (int i = end; i < to; i++) {
      double v = a[i];
      a[i] = (float) (0.5 * v * ErrorFunction.erfc(-v * SQRT_HALF));
    }
  }

  /** {@code tmp[i - from] = Q(min(|x|, 3.925) - 0.921875)} with {@code x = a[i] / sqrt 2}. */
  private static void erfTailLog(float[] a, int from, int to, float[] tmp) {
    for (int i = from, j = 0; i < to; i += L, j += L) {
      FloatVector u = FloatVector.fromArray(S, a, i).mul(SQRT_HALF).abs().min(ERF_HI)
          .sub(ERF_SPLIT);
      FloatVector q = FloatVector.broadcast(S, 1.6306649968100828e-6f);
      q = horner(q, u, -3.386771641089581e-5f);
      q = horner(q, u, 3.3775807241909206e-4f);
      q = horner(q, u, -2.20600632019341e-3f);
      q = horner(q, u, 1.0905151255428791e-2f);
      q = horner(q, u, -4.4848404824733734e-2f);
      q = horner(q, u, -8.329841494560242e-1f);
      q = horner(q, u, -2.5080127716064453f);
      q = horner(q, u, -1.648561954498291f);
      q.intoArray(tmp, j);
    }
  }

  /** Gelu of {@code a[from, to)} from the log-erfc values {@link #erfTailLog} left in tmp. */
  private static void geluFinish(float[] a, int from, int to, float[] tmp) {
    for (int i = from, j = 0; i < to; i += L, j += L) {
      FloatVector v = FloatVector.fromArray(S, a, i);
      FloatVector x = v.mul(SQRT_HALF);
      FloatVector t = x.mul(x);
      FloatVector p = FloatVector.broadcast(S, -6.013390375301242e-4f);
      p = horner(p, t, 4.997999873012304e-3f);
      p = horner(p, t, -2.6770230382680893e-2f);
      p = horner(p, t, 1.1281926929950714e-1f);
      p = horner(p, t, -3.761250674724579e-1f);
      p = horner(p, t, 1.1283791065216064f);
      FloatVector small = x.mul(p);
      // exp(q), q in [-18, -1.6]: no range checks needed
      FloatVector q = FloatVector.fromArray(S, tmp, j);
      FloatVector et = q.fma(LOG2E, MAGIC);
      FloatVector en = et.sub(MAGIC);
      FloatVector r = en.fma(FloatVector.broadcast(S, -LN2_HI), q);
      r = en.fma(FloatVector.broadcast(S, -LN2_LO), r);
      FloatVector ep = FloatVector.broadcast(S, 1.9875691500e-4f);
      ep = horner(ep, r, 1.3981999507e-3f);
      ep = horner(ep, r, 8.3334519073e-3f);
      ep = horner(ep, r, 4.1665795894e-2f);
      ep = horner(ep, r, 1.6666665459e-1f);
      ep = horner(ep, r, 5.0000001201e-1f);
      FloatVector e = ep.fma(r.mul(r), r).add(1f);
      IntVector bits = ((IntVector) et.reinterpretAsInts()).sub(MAGIC_BITS - 127)
          .lanewise(VectorOperators.LSHL, 23);
      FloatVector big = e.mul(bits.reinterpretAsFloats()).neg().add(1f);
      big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
      FloatVector erf = small.blend(big, x.abs().compare(VectorOperators.GE, ERF_SPLIT));
      v.mul(0.5f).mul(erf.add(1f)).intoArray(a, i);
    }
  }

  /** {@link #erf} on {@code a[from, to)} in place (test hook: the Erf op stays scalar). */
  static void erf(float[] a, int from, int to) {
    int i = from;
    for (; i <= to - L; i += L) {
      erf(FloatVector.fromArray(S, a, i)).intoArray(a, i);
    }
    for (; i < to; i++) {
      a[i] = (float) ErrorFunction.erf(a[i]);
    }
  }

  /** {@link #exp} on {@code a[from, to)} in place (test hook). */
  static void exp(float[] a, int from, int to) {
    int i = from;
    for (; i <= to - L; i += L) {
      exp(FloatVector.fromArray(S, a, i)).intoArray(a, i);
    }
    for (; i < to; i++) {
      a[i] = (float) Math.exp(a[i]);
    }
  }

  /**
   * Softmax of {@code rows} rows in place (its exp written out, as in {@link #gelu(float[], int,
   * int)}), row {@code r} at {@code v[r * stride, r * stride +
   * stride)}: {@code stride} a multiple of {@link #L}, each row padded with -infinity after its
   * last value (the padding comes out 0).
   */
  static void softmaxRows(float[] v, int rows, int stride) {
    for (int row = 0; row < rows; row++) {
      int base = row * stride;
      int end = base + stride;
      FloatVector m = FloatVector.fromArray(S, v, base);
      for (int i = base + L; i < end; i += L) {
        m = m.max(FloatVector.fromArray(S, v, i));
      }
      float max = m.reduceLanes(VectorOperators.MAX);
      FloatVector sum = FloatVector.zero(S);
      for (int i = base; i < end; i += L) {
        // exp(x - max) of x <= max, exp written out as in gelu(float[], int, int)
        FloatVector x = FloatVector.fromArray(S, v, i).sub(max);
        FloatVector t = x.fma(LOG2E, MAGIC);
        FloatVector n = t.sub(MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
        p = horner(p, r, 1.3981999507e-3f);
        p = horner(p, r, 8.3334519073e-3f);
        p = horner(p, r, 4.1665795894e-2f);
        p = horner(p, r, 1.6666665459e-1f);
        p = horner(p, r, 5.0000001201e-1f);
        FloatVector e = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(MAGIC_BITS - 127)
            .lanewise(VectorOperators.LSHL, 23);
        e = e.mul(bits.reinterpretAsFloats()).blend(0f, x.compare(VectorOperators.LT, EXP_LO));
        e.intoArray(v, i);
        sum = sum.add(e);
      }
      float inv = 1f / sum.reduceLanes(VectorOperators.ADD);
      for (int i = base; i < end; i += L) {
        FloatVector.fromArray(S, v, i).mul(inv).intoArray(v, i);
      }
    }
  }

  /**
   * LayerNormalization of one row {@code v[off, off + width)} in place: two passes of float sums
   * over whole vectors (then a scalar tail), the mean first and then the centred squares (so a
   * large mean does not cancel the variance), then {@code (x - mean) * inv * p[i] + p[strip + i]}
   * with {@code inv = 1 / sqrt(var + epsilon)} (biased variance, as ONNX defines it); the mean and
   * {@code inv} go to {@code stats[0]} and {@code stats[1]}.
   */
  static void layerNorm(float[] v, int off, int width, float[] p, int strip, double epsilon,
      float[] stats) {
    int end = off + width;
    int vecEnd = off + width / L * L;
    FloatVector acc = FloatVector.zero(S);
    for (int i = off; i < vecEnd; i += L) {
      acc = acc.add(FloatVector.fromArray(S, v, i));
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (int i = vecEnd; i < end; i++) {
      sum += v[i];
    }
    float mean = sum / width;
    FloatVector sq = FloatVector.zero(S);
    for (int i = off; i < vecEnd; i += L) {
      FloatVector d = FloatVector.fromArray(S, v, i).sub(mean);
      sq = d.fma(d, sq);
    }
    float ss = sq.reduceLanes(VectorOperators.ADD);
    for (int i = vecEnd; i < end; i++) {
      float d = v[i] - mean;
      ss += d * d;
    }
    float inv = (float) (1 / Math.sqrt(Math.max(0, ss / width) + epsilon));
    for (int i = off, j = 0; i < vecEnd; i += L, j += L) {
      FloatVector d = FloatVector.fromArray(S, v, i).sub(mean).mul(inv);
      d.fma(FloatVector.fromArray(S, p, j), FloatVector.fromArray(S, p, strip + j))
          .intoArray(v, i);
    }
    for (int i = vecEnd, j = vecEnd - off; i < end; i++, j++) {
      v[i] = (v[i] - mean) * inv * p[j] + p[strip + j];
    }
    stats[0] = mean;
    stats[1] = inv;
  }
}

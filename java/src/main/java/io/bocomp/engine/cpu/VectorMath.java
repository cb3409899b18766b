package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float transcendental functions on {@link VectorShape#FLOATS} vectors, for the kernels whose
 * scalar paths call {@link Math#exp} or {@link ErrorFunction} once per element (Softmax, Gelu):
 * polynomial approximations in float, evaluated with fused multiply-adds, no divisions.
 *
 * <ul>
 *   <li>{@link VectorMathKernels#exp(FloatVector)}: Cephes' {@code expf}.
 *       {@code n = round(x log2 e)} (the 1.5 * 2^23 trick), {@code r = x - n ln 2} (ln 2 in two
 *       parts), {@code e^r = 1 + r + r^2 P(r)} with P of degree 5, times {@code 2^n} built in the
 *       exponent bits. Relative error about 1 ulp (measured by {@code VectorMathTest}: at most
 *       2 ulp). Domain: {@code x <= 88} (the callers pass {@code x <= 0}); below -87.33 (where
 *       {@code e^x} is no longer a normal float) the result is 0, above 88 it is +infinity; NaN
 *       gives NaN.
 *   <li>{@link VectorMathKernels#erf(FloatVector)}: two pieces split at {@code |x| = 0.921875}.
 *       Below, {@code x P(x^2)}, P of degree 5; above, {@code sign(x) (1 - exp(Q(|x| -
 *       0.921875)))}, Q of degree 8 approximating {@code log erfc} on [0.921875, 3.925] (beyond
 *       3.925, erfc is below half an ulp of 1 and the result is +-1). Coefficients: iteratively
 *       reweighted least squares (near minimax) against mpmath at 40 digits, rounded to float.
 *       Absolute error at most about 1.1e-7 (2.5 ulp near |x| = 0.45; measured by
 *       {@code VectorMathTest}), against below 1 ulp for {@link ErrorFunction}: the standalone Erf
 *       op keeps the exact scalar path, the vector one serves Gelu, whose output is dominated by
 *       {@code x/2 (1 + erf)}.
 * </ul>
 *
 * <p>The array loops work on whole vectors and finish a tail shorter than a vector with the
 * scalar functions; callers that can pad their rows to a multiple of {@link #L} avoid the tail.
 * The vector code itself, the two functions and the loops that write them out (see
 * {@link #gelu(float[], int, int, float[])}), is in {@link VectorMathKernels}, generated at build
 * time. Load only when {@link VectorSupport#enabled()}.
 */
final class VectorMath {
  static final VectorSpecies<Float> S = VectorShape.FLOATS;
  /** Floats per vector. */
  static final int L = S.length();

  private static final float SQRT_HALF = VectorMathKernels.SQRT_HALF;

  private VectorMath() {}

  /** {@code x/2 (1 + erf(x / sqrt 2))} lane-wise (the reference for the loops below). */
  static FloatVector gelu(FloatVector x) {
    return x.mul(0.5f).mul(VectorMathKernels.erf(x.mul(SQRT_HALF)).add(1f));
  }

  /**
   * {@link #gelu} on {@code a[from, to)} in place, {@code tmp} (at least {@code to - from} long)
   * holding an intermediate; a tail shorter than a vector in double. The body is
   * {@link #gelu(FloatVector)} written out in two loops of their own methods
   * ({@link VectorMathKernels#erfTailLog}, {@link VectorMathKernels#geluFinish}): called on short
   * rows (a GEMM epilogue), C2 does not count the calls in a loop as hot enough to inline methods
   * of this size (and a vector passed to a method that is not inlined is boxed); in one method
   * of 60 vector operations, C2 now and then gave up intrinsifying the last store (one JVM in
   * two: the MLP step 2.2x slower). Hence generated code: so that the exp and erf polynomials
   * stand written out in each loop (and in softmaxRows) and yet once in the source, the build
   * writes those loops from {@code java/src/build/GenerateVectorMathKernels.java}, which holds
   * each polynomial's coefficients and the exp body once. Do not replace the written-out bodies
   * with calls to {@code exp} or {@code erf}.
   */
  static void gelu(float[] a, int from, int to, float[] tmp) {
    int end = from + (to - from) / L * L;
    VectorMathKernels.erfTailLog(a, from, end, tmp);
    VectorMathKernels.geluFinish(a, from, end, tmp);
    for (int i = end; i < to; i++) {
      double v = a[i];
      a[i] = (float) (0.5 * v * ErrorFunction.erfc(-v * SQRT_HALF));
    }
  }

  /** {@code erf} on {@code a[from, to)} in place (test hook: the Erf op stays scalar). */
  static void erf(float[] a, int from, int to) {
    VectorMathKernels.erf(a, from, to);
  }

  /** {@code exp} on {@code a[from, to)} in place (test hook). */
  static void exp(float[] a, int from, int to) {
    VectorMathKernels.exp(a, from, to);
  }

  /**
   * Softmax of {@code rows} rows in place (its exp written out, as in {@link #gelu(float[], int,
   * int, float[])}; the loop is {@link VectorMathKernels#softmaxRows}), row {@code r} at
   * {@code v[r * stride, r * stride + stride)}: {@code stride} a multiple of {@link #L}, each row
   * padded with -infinity after its last value (the padding comes out 0).
   */
  static void softmaxRows(float[] v, int rows, int stride) {
    VectorMathKernels.softmaxRows(v, rows, stride);
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

package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath}'s float approximations against double references (Math.exp, Commons Math's
 * erf) over fine grids and the edge values, and its array loops (whole vectors, the scalar tail,
 * softmax rows padded with -infinity) against the scalar formulas. Skipped where the Vector API
 * is off: this class loads the Vector API.
 */
class VectorMathTest {
  @BeforeEach
  void needsTheVectorApi() {
    assumeTrue(VectorSupport.enabled(), "the Vector API is not enabled in this JVM");
  }

  @Test
  void expIsWithinTwoUlpsOverTheFloatRange() {
    int n = 200_001;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = -87f + 175f * i / (n - 1); // [-87, 88]
    }
    float[] y = x.clone();
    VectorMath.exp(y, 0, n);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double ref = Math.exp(x[i]);
      worst = Math.max(worst, Math.abs(y[i] - ref) / Math.ulp((float) ref));
    }
    assertThat(worst).as("max error in ulps").isLessThanOrEqualTo(2.0);
  }

  @Test
  void expEdgeValues() {
    float[] x = new float[VectorMath.L * 2];
    float[] in = {Float.NEGATIVE_INFINITY, -1000f, -88f, 0f, -0f, 89f, Float.POSITIVE_INFINITY,
        Float.NaN, 1f, -1f, 10f};
    System.arraycopy(in, 0, x, 0, in.length);
    VectorMath.exp(x, 0, x.length);
    assertThat(x[0]).isEqualTo(0f);
    assertThat(x[1]).isEqualTo(0f);
    assertThat(x[2]).isEqualTo(0f).as("below the normal range: flushed to 0");
    assertThat(x[3]).isEqualTo(1f);
    assertThat(x[4]).isEqualTo(1f);
    assertThat(x[5]).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(x[6]).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(x[7]).isNaN();
    assertThat(x[8]).isCloseTo((float) Math.E, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void erfAndGeluAreWithinTheirBounds() {
    int n = 240_007; // not a whole number of vectors: the tail runs the scalar path
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = -6f + 12f * i / (n - 1);
    }
    float[] erf = x.clone();
    VectorMath.erf(erf, 0, n);
    float[] gelu = x.clone();
    VectorMath.gelu(gelu, 0, n, new float[n]);
    double worstErf = 0;
    double worstGelu = 0;
    for (int i = 0; i < n; i++) {
      double ref = Erf.erf(x[i]);
      worstErf = Math.max(worstErf, Math.abs(erf[i] - ref));
      double g = 0.5 * x[i] * Erf.erfc(-x[i] / Math.sqrt(2));
      worstGelu = Math.max(worstGelu, Math.abs(gelu[i] - g) / Math.max(1, Math.abs(g)));
    }
    assertThat(worstErf).as("max |erf error|").isLessThan(1.5e-7);
    assertThat(worstGelu).as("max gelu error, absolute below 1, relative above")
        .isLessThan(3e-7);
  }

  @Test
  void erfEdgeValues() {
    float[] x = new float[VectorMath.L];
    float[] in = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f,
        -1e-30f, 3.925f, 100f, -100f};
    System.arraycopy(in, 0, x, 0, in.length);
    VectorMath.erf(x, 0, x.length);
    assertThat(x[0]).isEqualTo(0f);
    assertThat(x[2]).isEqualTo(1f);
    assertThat(x[3]).isEqualTo(-1f);
    assertThat(x[4]).isNaN();
    assertThat(x[5]).isCloseTo((float) (2 / Math.sqrt(Math.PI) * 1e-30),
        org.assertj.core.data.Offset.offset(1e-36f));
    assertThat(x[6]).isNegative();
    assertThat(x[7]).isEqualTo(1f);
    assertThat(x[8]).isEqualTo(1f);
    assertThat(x[9]).isEqualTo(-1f);
  }

  @Test
  void softmaxRowsMatchTheScalarFormula() {
    int l = VectorMath.L;
    for (int len : new int[] {1, 7, l, l + 1, 50, 3 * l - 1}) {
      int stride = (len + l - 1) / l * l;
      int rows = 5;
      float[] v = new float[rows * stride];
      float[][] ref = new float[rows][len];
      float[][] in = new float[rows][];
      double[] maxOf = new double[rows];
      java.util.SplittableRandom rng = new java.util.SplittableRandom(len);
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < stride; j++) {
          float x = j >= len ? Float.NEGATIVE_INFINITY
              : r == 1 && j % 2 == 1 ? Float.NEGATIVE_INFINITY : (float) (rng.nextDouble() * 60 - 30);
          v[r * stride + j] = x;
          if (j < len) {
            ref[r][j] = x;
          }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float x : ref[r]) {
          max = Math.max(max, x);
        }
        maxOf[r] = max;
        double sum = 0;
        for (float x : ref[r]) {
          sum += Math.exp(x - max);
        }
        in[r] = ref[r].clone();
        for (int j = 0; j < len; j++) {
          ref[r][j] = (float) (Math.exp(ref[r][j] - max) / sum);
        }
      }
      VectorMath.softmaxRows(v, rows, stride);
      for (int r = 0; r < rows; r++) {
        double total = 0;
        for (int j = 0; j < len; j++) {
          float y = v[r * stride + j];
          total += y;
          // x - max is rounded to float: a relative error of |x - max| 2^-24 on top of exp's
          double bound = ref[r][j] == 0f ? 0
              : ref[r][j] * (0x1p-21 + Math.abs(in[r][j] - maxOf[r]) * 0x1p-23) + 1e-44;
          assertThat((double) Math.abs(y - ref[r][j])).as("len %d row %d element %d", len, r, j)
              .isLessThanOrEqualTo(bound);
        }
        assertThat(total).as("len %d row %d sums to 1", len, r)
            .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        for (int j = len; j < stride; j++) {
          assertThat(v[r * stride + j]).as("padding").isEqualTo(0f);
        }
      }
    }
  }
}

package io.bocomp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.model.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded test tensors and the engine-vs-reference tolerance check. */
public final class Parity {
  /** Allowed max |difference| relative to the reference's max |value|. */
  public static final double REL_TOL = 1e-4;

  private Parity() {}

  /** Uniform values in [-1, 1), reproducible from the seed. */
  public static Tensor random(long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return Tensor.of(shape, v);
  }

  /** Uniform values in [lo, hi). */
  public static Tensor random(long seed, float lo, float hi, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + r.nextDouble() * (hi - lo));
    }
    return Tensor.of(shape, v);
  }

  public static double maxAbs(Tensor t) {
    double m = 0;
    for (float v : t.toFloatArray()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  public static double maxAbsDiff(Tensor a, Tensor b) {
    float[] x = a.toFloatArray();
    float[] y = b.toFloatArray();
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      double d = Math.abs((double) x[i] - y[i]);
      if (Double.isNaN(d)) {
        return Double.POSITIVE_INFINITY;
      }
      m = Math.max(m, d);
    }
    return m;
  }

  /**
   * Asserts equal shapes and {@code max|actual - expected| <= REL_TOL * max|expected|} (int64:
   * exact equality).
   */
  public static void assertClose(String what, Tensor expected, Tensor actual) {
    assertThat(actual.shape()).as(what + ": shape").containsExactly(expected.shape());
    if (!expected.isFloat()) {
      assertThat(actual.toLongArray()).as(what + ": int64 values")
          .containsExactly(expected.toLongArray());
      return;
    }
    double scale = Math.max(maxAbs(expected), 1e-30);
    double diff = maxAbsDiff(expected, actual);
    assertThat(diff).as(what + ": max |diff| = " + diff + ", max |ref| = " + scale + ", shape "
        + Arrays.toString(expected.shape())).isLessThanOrEqualTo(REL_TOL * scale);
  }
}

package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * Mean and inverse standard deviation of a contiguous block of floats, for the mean/variance
 * normalizations ({@link LayerNormKernel}, {@link GroupNormKernel}): one pass of double sums of
 * {@code x - k} and {@code (x - k)^2}, shifted by the block's first value {@code k} so that a
 * large mean does not cancel the variance; {@code var = E[(x-k)^2] - E[x-k]^2} (biased, as ONNX
 * defines it), clamped at 0.
 */
final class NormMoments {
  private NormMoments() {}

  /** Running sums of one block. */
  static final class Sums {
    private double shift;
    private double s;
    private double ss;
    private long n;

    void reset(double shift) {
      this.shift = shift;
      s = 0;
      ss = 0;
      n = 0;
    }

    /** Adds {@code v[off, off + len)}. */
    void add(float[] v, int off, int len) {
      double k = shift;
      double a = 0;
      double b = 0;
      for (int i = off; i < off + len; i++) {
        double d = v[i] - k;
        a += d;
        b += d * d;
      }
      s += a;
      ss += b;
      n += len;
    }

    double mean() {
      return shift + s / n;
    }

    /** 1 / sqrt(var + epsilon). */
    double invStd(double epsilon) {
      double m = s / n;
      double var = Math.max(0, ss / n - m * m);
      return 1 / Math.sqrt(var + epsilon);
    }
  }

  /**
   * Sums over {@code x[off, off + n)}, staged through {@code stage} in strips of {@code strip}
   * floats (so the stage holds the whole block afterwards when {@code n <= strip}).
   */
  static void sum(FloatBuffer x, int off, int n, float[] stage, int strip, Sums sums) {
    sums.reset(n > 0 ? x.get(off) : 0);
    for (int p = 0; p < n; p += strip) {
      int len = Math.min(strip, n - p);
      x.get(off + p, stage, 0, len);
      sums.add(stage, 0, len);
    }
  }
}

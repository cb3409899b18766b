package io.bocomp.bo.acquisition;

/**
 * Standard normal density, distribution function and the logarithms the acquisitions need, accurate
 * to about {@code 10⁻¹³} relative error deep into the tails (no underflow to 0 or −∞ for finite
 * arguments).
 *
 * <p>All tail quantities go through the Mills ratio {@code R(t) = Φ(−t)/φ(t)}: for {@code t < 7} by
 * Marsaglia's (2004) Taylor expansion of {@code R} around the nearest even integer, whose values are
 * tabulated; for {@code t ≥ 7} by Laplace's continued fraction {@code 1/R = t + 1/(t + 2/(t + …))}
 * cut at depth 30. The continued fraction also gives {@code 1/R − t} without cancellation, so
 * {@code h(z) = φ(z) + zΦ(z)}, the expected-improvement factor, is evaluated in log space for very
 * negative {@code z} as {@code log φ(t) + log R(t) + log(1/R(t) − t)} (the same device as BoTorch's
 * LogEI, Ament et al. 2023).
 */
public final class StandardNormal {
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);
  /** {@code R(2j)} for {@code j = 0..3}, computed to 40 digits with mpmath. */
  private static final double[] MILLS_AT_EVEN = {
    1.2533141373155003, 0.4213692292880545, 0.23665238291356067, 0.16237766089686745
  };
  private static final double CONTINUED_FRACTION_FROM = 7.0;
  private static final int CONTINUED_FRACTION_DEPTH = 30;

  private StandardNormal() {}

  public static double pdf(double z) {
    return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
  }

  public static double logPdf(double z) {
    return -0.5 * z * z - LOG_SQRT_2PI;
  }

  /** {@code R(t) = Φ(−t)/φ(t)}, {@code t ≥ 0}. */
  public static double millsRatio(double t) {
    if (t >= CONTINUED_FRACTION_FROM) {
      return 1.0 / continuedFraction(t, false);
    }
    int j = (int) (0.5 * (t + 1));
    double a = MILLS_AT_EVEN[j];
    double z = 2 * j;
    double b = a * z - 1;
    double h = t - z;
    double s = a + h * b;
    double prev = a;
    double q = h * h;
    double pwr = 1;
    for (int i = 2; s != prev && i < 200; i += 2) {
      a = (a + z * b) / i;
      b = (b + z * a) / (i + 1);
      pwr *= q;
      prev = s;
      s = s + pwr * (a + h * b);
    }
    return s;
  }

  /**
   * Laplace's continued fraction {@code T₁ = t + 1/T₂}, {@code T_k = t + k/T_{k+1}}: returns
   * {@code T₁ = 1/R(t)}, or {@code T₂} when {@code second}, so that {@code 1/R − t = 1/T₂}.
   */
  private static double continuedFraction(double t, boolean second) {
    double tk = t;
    double tNext = t;
    for (int k = CONTINUED_FRACTION_DEPTH; k >= 1; k--) {
      tNext = tk;
      tk = t + k / tk;
    }
    return second ? tNext : tk;
  }

  /** {@code Φ(z)}. */
  public static double cdf(double z) {
    if (z < 0) {
      return pdf(z) * millsRatio(-z);
    }
    return 1.0 - pdf(z) * millsRatio(z);
  }

  /** {@code log Φ(z)}, finite for every finite {@code z}. */
  public static double logCdf(double z) {
    if (z < 0) {
      return logPdf(z) + Math.log(millsRatio(-z));
    }
    return Math.log1p(-pdf(z) * millsRatio(z));
  }

  /** {@code φ(z)/Φ(z)}, the derivative of {@link #logCdf}; stable for very negative {@code z}. */
  public static double inverseMillsRatio(double z) {
    if (z < 0) {
      return 1.0 / millsRatio(-z);
    }
    return pdf(z) / cdf(z);
  }

  /** {@code h(z) = φ(z) + z·Φ(z)}, so that {@code EI = σ·h((μ* − μ)/σ)}. */
  public static double h(double z) {
    return Math.exp(logH(z));
  }

  /** {@code log h(z)}, finite for every finite {@code z}. */
  public static double logH(double z) {
    if (z >= 0) {
      return Math.log(pdf(z) + z * cdf(z));
    }
    double t = -z;
    if (t < CONTINUED_FRACTION_FROM) {
      return logPdf(t) + Math.log1p(-t * millsRatio(t));
    }
    double t1 = continuedFraction(t, false);
    double t2 = continuedFraction(t, true);
    return logPdf(t) - Math.log(t1) - Math.log(t2);
  }

  /** {@code d log h / dz = Φ(z)/h(z)}, stable for very negative {@code z}. */
  public static double logHDerivative(double z) {
    if (z >= -1) {
      return cdf(z) / h(z);
    }
    return Math.exp(logCdf(z) - logH(z));
  }
}

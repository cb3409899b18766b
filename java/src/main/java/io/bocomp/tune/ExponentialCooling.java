package io.bocomp.tune;

/**
 * Chen et al.'s exponential cooling: kappa_t = kappa + (kappa0 - kappa) e^(-eta (t + 1))
 * + (kappa - kappa0) e^(-eta T). The last term shifts the curve so that t = T - 1 lands exactly on
 * kappa; at t = -1 it would be kappa0 minus a term of order e^(-eta T).
 *
 * <p>The rate: by default it is scaled to the run length, eta = {@value #RATE_TIMES_TRIALS} / T
 * (T: the BO trials of the stage), so the schedule has the same shape for any T: the bound has
 * covered 1 - e^(-3/2) + e^(-3) = 83% of the way from kappa0 to kappa at the midpoint, 94% after
 * three quarters of the trials, and reaches it at the last. A fixed eta ({@code cooling_eta} in the
 * run file; the paper's 0.5 was the default before) ignores T: with eta = 0.5 the bound is within
 * 5% of the gap after 6 trials, so in a run of 88 BO trials exponential cooling acts like none.
 * Limits: eta must be positive and finite.
 */
public final class ExponentialCooling implements CoolingSchedule {
  /** The paper's fixed rate (the default before the rate was scaled to T). */
  public static final double PAPER_ETA = 0.5;
  /** c of the scaled rate eta = c / T. */
  public static final double RATE_TIMES_TRIALS = 3;

  /** The fixed rate, or NaN when it is scaled to the run length. */
  private final double eta;

  /** A fixed rate {@code eta}. */
  public ExponentialCooling(double eta) {
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("eta must be positive, got " + eta);
    }
    this.eta = eta;
  }

  private ExponentialCooling() {
    this.eta = Double.NaN;
  }

  /** The rate scaled to the run length: eta = {@value #RATE_TIMES_TRIALS} / T. */
  public static ExponentialCooling scaled() {
    return new ExponentialCooling();
  }

  /** The rate of a run of {@code total} BO trials. */
  public double eta(int total) {
    return Double.isNaN(eta) ? RATE_TIMES_TRIALS / Math.max(1, total) : eta;
  }

  /** True when the rate is scaled to the run length. */
  public boolean isScaled() {
    return Double.isNaN(eta);
  }

  @Override
  public String name() {
    return "exp";
  }

  @Override
  public double bound(int t, int total, double kappa0, double kappa) {
    if (t >= total - 1) {
      return kappa;
    }
    double e = eta(total);
    return kappa + (kappa0 - kappa) * Math.exp(-e * (t + 1))
        + (kappa - kappa0) * Math.exp(-e * total);
  }
}

package io.bocomp.tune;

/**
 * Chen et al.'s exponential cooling: kappa_t = kappa + (kappa0 - kappa) e^(-eta (t + 1))
 * + (kappa - kappa0) e^(-eta T). The last term shifts the curve so that t = T - 1 lands exactly on
 * kappa; at t = -1 it would be kappa0 minus a term of order e^(-eta T). With eta = 0.5 the bound is
 * within 5% of the gap after 6 trials.
 */
public final class ExponentialCooling implements CoolingSchedule {
  /** The paper's rate. */
  public static final double DEFAULT_ETA = 0.5;

  private final double eta;

  public ExponentialCooling(double eta) {
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("eta must be positive, got " + eta);
    }
    this.eta = eta;
  }

  public double eta() {
    return eta;
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
    return kappa + (kappa0 - kappa) * Math.exp(-eta * (t + 1))
        + (kappa - kappa0) * Math.exp(-eta * total);
  }
}

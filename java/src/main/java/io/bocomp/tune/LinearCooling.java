package io.bocomp.tune;

/** Linear cooling: kappa_t = kappa0 + (kappa - kappa0) (t + 1) / T, reaching kappa at t = T - 1. */
public final class LinearCooling implements CoolingSchedule {
  @Override
  public String name() {
    return "linear";
  }

  @Override
  public double bound(int t, int total, double kappa0, double kappa) {
    if (t >= total - 1) {
      return kappa;
    }
    return kappa0 + (kappa - kappa0) * (t + 1) / (double) total;
  }
}

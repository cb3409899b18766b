package io.bocomp.tune;

import java.util.Locale;

/**
 * The bound of the resource constraint over the trials of a constraint-aware search (Chen et al.,
 * ECCV 2018): it starts loose at kappa0 and tightens to the budget kappa by the last trial, so the
 * early trials learn the objective over a wide region and the later ones focus on the feasible set.
 * {@code bound(t, T, kappa0, kappa)} is the bound of trial t = 0 .. T-1 and equals kappa at
 * t = T - 1 (and after).
 */
public interface CoolingSchedule {

  /** Short name: "exp", "linear", "none". */
  String name();

  /** The bound at trial {@code t} of {@code total}. */
  double bound(int t, int total, double kappa0, double kappa);

  /** The schedule named "exp" (its rate scaled to the run length), "linear" or "none"; null for
   * other names. */
  static CoolingSchedule named(String name) {
    return named(name, 0);
  }

  /**
   * The schedule named "exp", "linear" or "none"; null for other names. {@code eta} is the rate of
   * "exp": positive for a fixed rate, 0 for the rate scaled to the run length
   * ({@link ExponentialCooling#scaled}).
   */
  static CoolingSchedule named(String name, double eta) {
    switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
      case "exp":
        return eta > 0 ? new ExponentialCooling(eta) : ExponentialCooling.scaled();
      case "linear":
        return new LinearCooling();
      case "none":
        return new OneStepCooling();
      default:
        return null;
    }
  }
}

package io.bocomp.tune;


/**
 * What the tuner's GP is told about the noise of a trial's L (run-file {@code "noise"}; issue 16
 * §4.1). Every trial measures L on the SAME sampled inputs, so the sample mean L̂(θ) is a
 * deterministic function of θ; its standard error describes how far L̂ may lie from the expected
 * distance, an error shared (positively correlated) across trials, not independent noise.
 *
 * <ul>
 *   <li>{@link #STDERR} (case (c) of the issue): each observation of log L carries its delta-method
 *       standard error {@code se / (L + δ)} as independent noise, as the GP of Ma et al. assumes
 *       for a fresh sample per evaluation. It blurs differences that the common sample measures
 *       precisely.
 *   <li>{@link #FIXED} (case (a)): the fixed sample is the objective: every observation of log L
 *       gets the same near-zero noise, standard deviation {@value #FIXED_SE} in log units (L to
 *       0.1%, a nugget for the rank steps, where nearby thetas give one network). The standard
 *       errors are still recorded and enter the certificate ({@link ReturnedPlanCertificate}); the
 *       final choice is the feasible trial of least sample L either way.
 * </ul>
 *
 * Limits: case (b), a fresh sample per trial (the U-statistic setting), is not offered: the
 * incremental evaluator caches boundary activations of the one sample, and the evaluation cache
 * keys measurements by plan alone.
 */
public enum ObjectiveNoise {
  STDERR("stderr"),
  FIXED("fixed");

  /** The noise standard deviation of log L under {@link #FIXED}. */
  public static final double FIXED_SE = 1e-3;

  private final String json;

  ObjectiveNoise(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  /** The standard error the GP gets for log(y), y = L (+ λR) + δ, with sample error {@code se}. */
  double logStderr(double se, double y) {
    return this == FIXED ? FIXED_SE : se / y;
  }

  /** The mode named {@code s} ("stderr" or "fixed"), or null. */
  public static ObjectiveNoise fromJson(String s) {
    return JsonNames.find(values(), e -> e.json, s);
  }
}

package io.bocomp.bo.acquisition;

import io.bocomp.bo.model.GaussianProcess;

/**
 * Probability of improving on {@code best}: {@code PI = Φ(z)}, {@code z = (best − μ)/σ};
 * {@code ∂PI/∂μ = −φ(z)/σ}, {@code ∂PI/∂σ = −zφ(z)/σ}. Greedy; mostly for comparison.
 */
public final class ProbabilityOfImprovement extends PosteriorMomentAcquisition {
  private final double best;

  /** @param best the incumbent value in standardized units */
  public ProbabilityOfImprovement(GaussianProcess gp, double best) {
    super(gp);
    this.best = best;
  }

  @Override
  protected double utility(double mean, double sd, double[] partial) {
    double z = (best - mean) / sd;
    if (partial != null) {
      double pdf = StandardNormal.pdf(z);
      partial[0] = -pdf / sd;
      partial[1] = -z * pdf / sd;
    }
    return StandardNormal.cdf(z);
  }
}

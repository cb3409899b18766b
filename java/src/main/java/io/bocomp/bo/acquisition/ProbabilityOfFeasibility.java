package io.bocomp.bo.acquisition;

import io.bocomp.bo.model.GaussianProcess;

/**
 * {@code log P[c(x) ≤ t]} for a black-box constraint {@code c} modelled by its own GP:
 * {@code log Φ(z)}, {@code z = (t − μ_c)/σ_c}, computed without underflow;
 * {@code ∂/∂μ = −λ(z)/σ}, {@code ∂/∂σ = −zλ(z)/σ} with {@code λ = φ/Φ}.
 */
public final class ProbabilityOfFeasibility extends PosteriorMomentAcquisition {
  private final double threshold;

  /** @param threshold the constraint bound in the constraint GP's standardized units */
  public ProbabilityOfFeasibility(GaussianProcess constraint, double threshold) {
    super(constraint);
    this.threshold = threshold;
  }

  @Override
  protected double utility(double mean, double sd, double[] partial) {
    double z = (threshold - mean) / sd;
    if (partial != null) {
      double lambda = StandardNormal.inverseMillsRatio(z);
      partial[0] = -lambda / sd;
      partial[1] = -z * lambda / sd;
    }
    return StandardNormal.logCdf(z);
  }

  @Override
  public boolean isLogScale() {
    return true;
  }
}

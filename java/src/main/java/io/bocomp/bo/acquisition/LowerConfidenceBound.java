package io.bocomp.bo.acquisition;

import io.bocomp.bo.model.GaussianProcess;

/**
 * Lower confidence bound for minimization, maximized as {@code βσ − μ} (the negated bound
 * {@code μ − βσ}). Its values can be negative, so it cannot be weighted by a probability of
 * feasibility.
 */
public final class LowerConfidenceBound extends PosteriorMomentAcquisition {
  private final double beta;

  /** @param beta exploration weight, {@code ≥ 0} (2 is a common choice) */
  public LowerConfidenceBound(GaussianProcess gp, double beta) {
    super(gp);
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("LCB beta must be finite and >= 0, got " + beta);
    }
    this.beta = beta;
  }

  @Override
  protected double utility(double mean, double sd, double[] partial) {
    if (partial != null) {
      partial[0] = -1;
      partial[1] = beta;
    }
    return beta * sd - mean;
  }
}

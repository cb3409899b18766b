package io.bocomp.bo.acquisition;

import io.bocomp.bo.model.GaussianProcess;

/**
 * {@code log EI = log σ + log h(z)} computed without underflow (see {@link StandardNormal#logH}), so
 * that the gradient stays informative where EI itself is below {@code 10⁻³⁰⁰} (Ament et al., 2023):
 * {@code ∂/∂μ = −(log h)'(z)/σ}, {@code ∂/∂σ = (1 − z·(log h)'(z))/σ}.
 */
public final class LogExpectedImprovement extends PosteriorMomentAcquisition {
  private final double best;

  /** @param best the incumbent value in standardized units */
  public LogExpectedImprovement(GaussianProcess gp, double best) {
    super(gp);
    this.best = best;
  }

  @Override
  protected double utility(double mean, double sd, double[] partial) {
    double z = (best - mean) / sd;
    if (partial != null) {
      double dz = StandardNormal.logHDerivative(z);
      partial[0] = -dz / sd;
      partial[1] = (1 - z * dz) / sd;
    }
    return Math.log(sd) + StandardNormal.logH(z);
  }

  @Override
  public boolean isLogScale() {
    return true;
  }
}

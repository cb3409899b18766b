package io.bocomp.bo.acquisition;

import io.bocomp.bo.model.GaussianProcess;

/**
 * Expected improvement below {@code best}: {@code EI = σ·h(z)}, {@code z = (best − μ)/σ},
 * {@code h(z) = φ(z) + zΦ(z)}; {@code ∂EI/∂μ = −Φ(z)}, {@code ∂EI/∂σ = φ(z)}. Underflows to 0 (and
 * a zero gradient) far from the incumbent; prefer {@link LogExpectedImprovement} for optimization.
 */
public final class ExpectedImprovement extends PosteriorMomentAcquisition {
  private final double best;

  /** @param best the incumbent value in standardized units */
  public ExpectedImprovement(GaussianProcess gp, double best) {
    super(gp);
    this.best = best;
  }

  @Override
  protected double utility(double mean, double sd, double[] partial) {
    double z = (best - mean) / sd;
    double cdf = StandardNormal.cdf(z);
    double pdf = StandardNormal.pdf(z);
    if (partial != null) {
      partial[0] = -cdf;
      partial[1] = pdf;
    }
    return sd * (pdf + z * cdf);
  }
}

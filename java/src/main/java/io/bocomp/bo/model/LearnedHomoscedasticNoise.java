package io.bocomp.bo.model;

/**
 * A homoscedastic noise variance learned by MAP (prior Gamma(1.1, 0.05), BoTorch's default), added
 * to the fixed {@code (γ·se)²} of observations that carry a standard error. Use it when the objective
 * is noisy but reports no standard error.
 */
public final class LearnedHomoscedasticNoise implements NoiseModel {
  private final double gamma;

  /** @param gamma multiplier of standard errors that are given, {@code > 0} */
  public LearnedHomoscedasticNoise(double gamma) {
    if (!(gamma > 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("noise gamma must be positive and finite, got " + gamma);
    }
    this.gamma = gamma;
  }

  @Override
  public double gamma() {
    return gamma;
  }

  @Override
  public boolean learnsHomoscedasticNoise() {
    return true;
  }

  @Override
  public String name() {
    return "learned";
  }

  @Override
  public String toString() {
    return "LearnedHomoscedasticNoise{gamma=" + gamma + "}";
  }
}

package io.bocomp.bo.model;

/**
 * The default noise model: each observation's noise variance is {@code (γ·se)²}, known and fixed,
 * nothing learned. This is the papers' model of a distance estimated from a sample of inputs, where
 * the standard error is measured along with the mean. Observations without a standard error are
 * noiseless (the Cholesky jitter keeps duplicates factorable).
 */
public final class FixedHeteroscedasticNoise implements NoiseModel {
  private final double gamma;

  /** @param gamma multiplier of every standard error, {@code > 0} (default 1) */
  public FixedHeteroscedasticNoise(double gamma) {
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
    return false;
  }

  @Override
  public String name() {
    return "fixed";
  }

  @Override
  public String toString() {
    return "FixedHeteroscedasticNoise{gamma=" + gamma + "}";
  }
}

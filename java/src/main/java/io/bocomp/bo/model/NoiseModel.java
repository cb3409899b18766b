package io.bocomp.bo.model;

/**
 * How observation noise enters the kernel diagonal. Each observation may carry a standard error
 * {@code se} of its mean (for a distance estimated on {@code m} samples, {@code se = sd/√m}); its
 * fixed noise variance in standardized units is {@code (γ·se / σ_y)²} with {@code σ_y} the output
 * standardization scale. A noise model may add a learned homoscedastic variance on top.
 */
public interface NoiseModel {
  /** {@code γ}, the multiplier of every standard error. */
  double gamma();

  /** Whether a homoscedastic noise variance is a hyperparameter fitted by MAP. */
  boolean learnsHomoscedasticNoise();

  /** Short stable name for logs and serialized state. */
  String name();

  /** Fixed noise variance of one observation, standardized; {@code stderr} 0 means noiseless. */
  default double fixedVariance(double stderr, double outputScale) {
    double s = gamma() * stderr / outputScale;
    return s * s;
  }
}

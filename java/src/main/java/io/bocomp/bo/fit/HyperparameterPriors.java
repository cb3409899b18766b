package io.bocomp.bo.fit;

/**
 * Priors of the MAP fit: one for every lengthscale, one for the outputscale, one for the learned
 * noise variance (used only when the noise model learns one). The constant mean has a flat prior
 * on its bounds.
 */
public record HyperparameterPriors(Prior lengthscale, Prior outputscale, Prior noise) {
  /** Lengthscale Gamma(3, 6), outputscale Gamma(2, 0.15), noise Gamma(1.1, 0.05). */
  public static HyperparameterPriors defaults() {
    return new HyperparameterPriors(
        GammaPrior.lengthscaleDefault(), GammaPrior.outputscaleDefault(), GammaPrior.noiseDefault());
  }
}

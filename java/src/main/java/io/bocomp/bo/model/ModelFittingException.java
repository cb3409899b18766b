package io.bocomp.bo.model;

import io.bocomp.BocompException;

/**
 * A Gaussian process could not be factored or fitted: the kernel matrix stayed non positive definite
 * after the bounded jitter escalation of {@link CholeskyFactor}, or no hyperparameter start gave a
 * finite marginal likelihood. The optimization loop catches it, falls back to the last good
 * hyperparameters and logs the fallback.
 */
public class ModelFittingException extends BocompException {
  private static final long serialVersionUID = 1L;

  public ModelFittingException(String message) {
    super(message);
  }
}

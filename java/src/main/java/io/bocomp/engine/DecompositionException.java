package io.bocomp.engine;

import io.bocomp.BocompException;

/**
 * A factorization failed: LAPACK reported non-convergence or the weights hold NaN/Inf. The message
 * names the layer when the caller knows it (see {@code io.bocomp.compress.FactorCache}).
 */
public final class DecompositionException extends BocompException {
  private static final long serialVersionUID = 1L;

  public DecompositionException(String message) {
    super(message);
  }

  public DecompositionException(String message, Throwable cause) {
    super(message, cause);
  }
}

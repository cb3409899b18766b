package io.bocomp.tune.alloc;

import io.bocomp.BocompException;

/** An allocator's rule does not apply to a search space (e.g. spectra on pruning fractions). */
public final class NotApplicableException extends BocompException {
  private static final long serialVersionUID = 1L;

  public NotApplicableException(String message) {
    super(message);
  }
}

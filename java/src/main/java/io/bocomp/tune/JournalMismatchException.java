package io.bocomp.tune;

import io.bocomp.BocompException;

/** A journal that cannot be resumed: written by another model or configuration, or corrupt. */
public final class JournalMismatchException extends BocompException {
  private static final long serialVersionUID = 1L;

  public JournalMismatchException(String message) {
    super(message);
  }
}

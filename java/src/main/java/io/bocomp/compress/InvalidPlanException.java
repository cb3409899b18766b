package io.bocomp.compress;

import io.bocomp.BocompException;

/**
 * A compression plan that cannot be applied to the model: malformed JSON, an unknown layer, a method
 * that does not apply, a rank, ratio or fraction out of range, duplicate entries, or a plan made for
 * another model. The message names the plan file (when known) and the entry at fault.
 */
public class InvalidPlanException extends BocompException {
  private static final long serialVersionUID = 1L;

  public InvalidPlanException(String message) {
    super(message);
  }

  public InvalidPlanException(String message, Throwable cause) {
    super(message, cause);
  }
}

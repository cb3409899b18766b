package io.bocomp.bo;

import io.bocomp.BocompException;

/**
 * The search box is unusable: no dimensions, more than {@link Space#MAX_DIMENSIONS}, a duplicate or blank name, non-finite, zero-width or inverted bounds, or non-integer bounds on an integer dimension. The message names the dimension.
 */
public class InvalidSpaceException extends BocompException {
  private static final long serialVersionUID = 1L;

  public InvalidSpaceException(String message) {
    super(message);
  }
}

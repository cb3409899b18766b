package io.bocomp.bo;

import io.bocomp.BocompException;

/**
 * An observation or suggestion request cannot be used: wrong number of coordinates, a coordinate outside the box or non-finite, a non-integer value on an integer dimension, a negative or non-finite standard error, or a missing or unknown black-box constraint value. The message names the dimension or constraint. (A NaN or infinite objective mean is not an error: it is recorded as a failed evaluation.)
 */
public class InvalidObservationException extends BocompException {
  private static final long serialVersionUID = 1L;

  public InvalidObservationException(String message) {
    super(message);
  }
}

package io.bocomp.bo;

import io.bocomp.BocompException;

/**
 * No point of the box satisfies the known constraints among the candidates sampled; the message names the constraints and the number of samples tried.
 */
public class NoFeasiblePointException extends BocompException {
  private static final long serialVersionUID = 1L;

  public NoFeasiblePointException(String message) {
    super(message);
  }
}

package io.bocomp.model;

import io.bocomp.BocompException;

/** A node uses an operator (or an attribute value of one) that bocomp cannot execute. */
public class UnsupportedOperatorException extends BocompException {
  private static final long serialVersionUID = 1L;

  public UnsupportedOperatorException(String message) {
    super(message);
  }
}

package io.bocomp.data;

import io.bocomp.BocompException;

/** A data file (IDX images/labels, .npy tensor) is missing, unreadable or malformed. */
public class DataFormatException extends BocompException {
  private static final long serialVersionUID = 1L;

  public DataFormatException(String message) {
    super(message);
  }

  public DataFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}

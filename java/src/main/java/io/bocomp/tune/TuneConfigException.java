package io.bocomp.tune;

import io.bocomp.BocompException;

/** A tuning option, run-file entry or output directory that cannot be used; the message names it. */
public class TuneConfigException extends BocompException {
  private static final long serialVersionUID = 1L;

  public TuneConfigException(String message) {
    super(message);
  }

  public TuneConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}

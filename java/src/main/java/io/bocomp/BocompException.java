package io.bocomp;

/**
 * Root of bocomp's user-facing errors. The CLI prints {@link #getMessage()} as one line and exits
 * with code 2; the message names the file, node, option or entry at fault.
 */
public class BocompException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BocompException(String message) {
    super(message);
  }

  public BocompException(String message, Throwable cause) {
    super(message, cause);
  }
}

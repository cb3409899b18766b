package io.bocomp.model;

import io.bocomp.BocompException;

/** The model file or graph is malformed: not ONNX, truncated, inconsistent, or uses an unsupported encoding. */
public class ModelFormatException extends BocompException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}

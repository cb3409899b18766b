package io.bocomp.cuda;

import io.bocomp.BocompException;

/**
 * A CUDA, cuBLAS, cuSOLVER or bocomp-kernel call failed. The message names the call, its arguments
 * that matter (sizes, the matrix at fault) and the library's own error text.
 */
public class NativeException extends BocompException {
  private static final long serialVersionUID = 1L;

  public NativeException(String message) {
    super(message);
  }

  public NativeException(String message, Throwable cause) {
    super(message, cause);
  }
}

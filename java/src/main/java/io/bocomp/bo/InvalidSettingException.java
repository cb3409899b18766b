package io.bocomp.bo;

import io.bocomp.BocompException;

/**
 * An option of the optimizer has a value it cannot use (a budget or batch size below 1, a negative epsilon, a design size below 1, LCB combined with black-box constraints, …). The message names the option.
 */
public class InvalidSettingException extends BocompException {
  private static final long serialVersionUID = 1L;

  public InvalidSettingException(String message) {
    super(message);
  }
}

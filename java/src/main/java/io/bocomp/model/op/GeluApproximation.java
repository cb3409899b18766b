package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;

/**
 * Gelu's (opset 20) {@code approximate} attribute: {@code "none"} (the default, exact
 * {@code x/2 (1 + erf(x / sqrt 2))}) or {@code "tanh"} ({@code x/2 (1 + tanh(sqrt(2/pi) (x +
 * 0.044715 x^3)))}).
 */
public enum GeluApproximation {
  NONE, TANH;

  /**
   * The approximation a Gelu node asks for.
   *
   * @throws ModelFormatException naming the node for any other attribute value
   */
  public static GeluApproximation of(Node node) {
    String a = node.stringAttr("approximate", "none");
    switch (a) {
      case "none":
        return NONE;
      case "tanh":
        return TANH;
      default:
        throw new ModelFormatException(node.label() + ": Gelu approximate must be \"none\" or"
            + " \"tanh\", not \"" + a + "\"");
    }
  }
}

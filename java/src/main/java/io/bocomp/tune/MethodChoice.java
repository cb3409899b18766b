package io.bocomp.tune;

import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.Method;

/**
 * The {@code --method} of a tuning run and which compression it gives each layer: {@code svd} every
 * layer SVD applies to (FC layers, 1x1 convs); {@code tucker} every k x k conv (Tucker-2);
 * {@code auto} both (Tucker-2 for k x k convs, SVD for FC and 1x1 convs, as in Ma et al.'s VGG
 * protocol); {@code prune} magnitude pruning of every layer; {@code quantize} weight quantization
 * alone (bit widths searched, nothing factorized). Layers the method does not apply to stay dense.
 * Every other method quantizes its weights too when the run searches bit widths.
 */
public enum MethodChoice {
  AUTO("auto"),
  SVD("svd"),
  TUCKER("tucker"),
  PRUNE("prune"),
  QUANTIZE("quantize");

  private final String json;

  MethodChoice(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  /** The method this choice gives {@code layer}, or null when none applies. */
  public Method methodFor(CompressibleLayer layer) {
    boolean tucker = layer.methods().contains(Method.TUCKER2);
    boolean svd = layer.methods().contains(Method.SVD);
    switch (this) {
      case SVD:
        return svd ? Method.SVD : null;
      case TUCKER:
        return tucker ? Method.TUCKER2 : null;
      case PRUNE:
        return layer.methods().contains(Method.PRUNE) ? Method.PRUNE : null;
      case QUANTIZE:
        return layer.methods().contains(Method.QUANTIZE) ? Method.QUANTIZE : null;
      default:
        return tucker ? Method.TUCKER2 : svd ? Method.SVD : null;
    }
  }

  public static MethodChoice fromJson(String s) {
    return JsonNames.find(values(), e -> e.json, s);
  }
}

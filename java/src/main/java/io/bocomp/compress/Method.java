package io.bocomp.compress;

import java.util.Locale;

/** The compression methods a {@link CompressionPlan} can name, with their JSON spelling. */
public enum Method {
  /** Truncated SVD of an FC weight or a 1x1 conv: two consecutive layers of rank k. */
  SVD("svd"),
  /** Tucker-2 of a k x k conv: 1x1 (Cin -> r_in), k x k core (r_in -> r_out), 1x1 (r_out -> Cout). */
  TUCKER2("tucker2"),
  /** Unstructured magnitude pruning: the smallest-|w| fraction of the weights set to zero. */
  PRUNE("prune"),
  /** Structured pruning: the fraction of filters (output channels) with the smallest L1 norm removed. */
  FILTER_PRUNE("filter_prune"),
  /**
   * Weight quantization alone: the weight kept as it is, stored as {@code bits}-bit integer codes
   * with float scales ({@link WeightQuantizer}). Any other method's entry may carry bits too, which
   * quantizes its factors or its pruned weight.
   */
  QUANTIZE("quantize");

  private final String json;

  Method(String json) {
    this.json = json;
  }

  /** The name used in plan files. */
  public String json() {
    return json;
  }

  /** The method named {@code s} in a plan file, or null. */
  public static Method fromJson(String s) {
    for (Method m : values()) {
      if (m.json.equals(s.toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    return null;
  }

  /** "svd, tucker2, prune, filter_prune, quantize", for messages. */
  public static String allNames() {
    StringBuilder b = new StringBuilder();
    for (Method m : values()) {
      b.append(b.length() == 0 ? "" : ", ").append(m.json);
    }
    return b.toString();
  }
}

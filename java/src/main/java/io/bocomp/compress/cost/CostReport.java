package io.bocomp.compress.cost;

import java.util.List;

/**
 * One cost of an original and a compressed model, per layer and in total, absolute and as a
 * fraction of the original.
 *
 * @param metric what is counted: "params", "macs", "bytes", "latency_ms"
 * @param layers one row per compressible layer, in graph order, plus a last row named
 *     {@link #OTHER} for everything outside the layers (other initializers, other ops)
 * @param original total of the original model
 * @param compressed total of the compressed model
 */
public record CostReport(String metric, List<LayerCost> layers, double original,
    double compressed) {

  /** Name of the row holding everything outside the compressible layers. */
  public static final String OTHER = "(other)";

  public CostReport {
    layers = List.copyOf(layers);
  }

  /** compressed / original (NaN for an original of 0). */
  public double fraction() {
    return original == 0 ? Double.NaN : compressed / original;
  }

  /** The row of a layer. */
  public LayerCost layer(String name) {
    for (LayerCost c : layers) {
      if (c.layer().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no layer '" + name + "' in the " + metric + " report");
  }

  /** One row of a {@link CostReport}. */
  public record LayerCost(String layer, double original, double compressed) {
    /** compressed / original (NaN for an original of 0). */
    public double fraction() {
      return original == 0 ? Double.NaN : compressed / original;
    }
  }
}

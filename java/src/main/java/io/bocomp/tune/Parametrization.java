package io.bocomp.tune;

import java.util.Locale;

/**
 * What one search dimension means for its layers.
 *
 * <ul>
 *   <li>{@link #RANK}: rank fraction f (the VGG protocol of Ma et al.): an SVD layer of full rank k
 *       gets rank ceil(f k); a Tucker-2 layer gets r_in = ceil(f C_in), r_out = ceil(f C_out), at
 *       least 1 each.
 *   <li>{@link #ENERGY}: energy fraction e (the ResNet protocol): the smallest rank (per mode for
 *       Tucker-2) keeping e of the squared singular values (Gram eigenvalues).
 *   <li>{@link #PRUNE}: fraction of the weights removed by magnitude pruning (Chen et al.).
 * </ul>
 *
 * Larger values compress less for RANK and ENERGY, more for PRUNE.
 */
public enum Parametrization {
  RANK("rank"),
  ENERGY("energy"),
  PRUNE("prune");

  private final String json;

  Parametrization(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  /** True if a larger value means stronger compression. */
  public boolean higherCompresses() {
    return this == PRUNE;
  }

  public static Parametrization fromJson(String s) {
    String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    for (Parametrization p : values()) {
      if (p.json.equals(k)) {
        return p;
      }
    }
    return null;
  }
}

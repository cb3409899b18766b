package io.bocomp.tune;


/**
 * What one search dimension means for its layers.
 *
 * <ul>
 *   <li>{@link #RANK}: rank fraction f (the VGG protocol of Ma et al.): an SVD layer of full rank k
 *       gets rank ceil(f k); a Tucker-2 layer gets r_in = ceil(f C_in), r_out = ceil(f C_out), at
 *       least 1 each.
 *   <li>{@link #LOGRANK}: the natural log of a rank fraction, v = ln f (f as for RANK). The
 *       optimizer's box is linear in v, so its unit interval maps to ranks geometrically:
 *       f = f_min (f_max / f_min)^u. A rank of 1 and a rank of 2 are as far apart as 10 and 20,
 *       which gives the low-rank end of a wide layer (where FC optima sit) as much room as the
 *       rest. Frozen values ({@code freeze}) are still given as rank fractions.
 *   <li>{@link #ENERGY}: energy fraction e (the ResNet protocol): the smallest rank (per mode for
 *       Tucker-2) keeping e of the squared singular values (Gram eigenvalues).
 *   <li>{@link #PRUNE}: fraction of the weights removed by magnitude pruning (Chen et al.).
 * </ul>
 *
 * Larger values compress less for RANK, LOGRANK and ENERGY, more for PRUNE.
 */
public enum Parametrization {
  RANK("rank"),
  LOGRANK("logrank"),
  ENERGY("energy"),
  PRUNE("prune");

  private final String json;

  Parametrization(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  /** True for RANK and LOGRANK: the value sets ranks in proportion to the full rank. */
  public boolean isRank() {
    return this == RANK || this == LOGRANK;
  }

  /** True if a larger value means stronger compression. */
  public boolean higherCompresses() {
    return this == PRUNE;
  }

  public static Parametrization fromJson(String s) {
    return JsonNames.find(values(), e -> e.json, s);
  }
}

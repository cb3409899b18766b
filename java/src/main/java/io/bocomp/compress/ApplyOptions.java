package io.bocomp.compress;

/**
 * How a plan's ranks become layers.
 *
 * @param rankMultiple ranks are rounded UP to a multiple of this (e.g. 8 for tensor cores), capped
 *     at the layer's maximum rank; 1 leaves them as asked. Ranks are never below 1.
 * @param keepDenseIfNotCheaper a factorized layer whose parameters or MACs are not below those of
 *     its dense form stays dense (reported in {@link ResolvedPlan#notes()})
 * @param hooiIterations HOOI refinement sweeps for Tucker-2 layers at their final ranks (0: plain
 *     HOSVD slices, no per-trial linear algebra; each sweep costs two small symmetric
 *     eigendecompositions per Tucker-2 layer, so the tuner leaves this at 0)
 */
public record ApplyOptions(int rankMultiple, boolean keepDenseIfNotCheaper, int hooiIterations) {

  public ApplyOptions {
    if (rankMultiple < 1) {
      throw new IllegalArgumentException("rank multiple must be at least 1, got " + rankMultiple);
    }
    if (hooiIterations < 0) {
      throw new IllegalArgumentException("HOOI iterations must be >= 0, got " + hooiIterations);
    }
  }

  /** Ranks as asked, the dense-if-not-cheaper rule on, no HOOI. */
  public static ApplyOptions defaults() {
    return new ApplyOptions(1, true, 0);
  }

  public ApplyOptions withRankMultiple(int m) {
    return new ApplyOptions(m, keepDenseIfNotCheaper, hooiIterations);
  }

  public ApplyOptions withKeepDenseIfNotCheaper(boolean b) {
    return new ApplyOptions(rankMultiple, b, hooiIterations);
  }

  public ApplyOptions withHooiIterations(int n) {
    return new ApplyOptions(rankMultiple, keepDenseIfNotCheaper, n);
  }
}

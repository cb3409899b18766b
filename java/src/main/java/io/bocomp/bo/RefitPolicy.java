package io.bocomp.bo;

/**
 * When the loop refits GP hyperparameters. A refit (warm-started single-start MAP) happens once
 * the number of observations has grown by the fraction {@code growth} since the last fit; a full
 * multi-start fit once it has grown by {@code fullFitGrowth} since the last full fit (and at the
 * first fit). In between, new observations are added to the current posterior by a rank-one
 * Cholesky update in {@code O(n²)} with hyperparameters and output standardization unchanged.
 *
 * <p>Why a geometric schedule: the MAP hyperparameters move by about {@code O(1/n)} per
 * observation, so refitting after a fixed fraction of new data keeps them as current as a refit at
 * every step would while the number of {@code O(n³)} fits grows only logarithmically with the
 * budget. With the defaults ({@code growth = 0.1}, {@code fullFitGrowth = 1}) hyperparameters are
 * refit after every observation up to 10 observations, every 5th around 50 and every 20th around
 * 200, and from several random starts at 2, 4, 8, … times the size of the first fit.
 */
public record RefitPolicy(double growth, double fullFitGrowth) {
  public RefitPolicy {
    if (!(growth >= 0) || !(fullFitGrowth >= 0) || Double.isInfinite(growth) || Double.isInfinite(fullFitGrowth)) {
      throw new InvalidSettingException("refit growth fractions must be finite and >= 0, got " + growth + ", "
          + fullFitGrowth);
    }
  }

  public static RefitPolicy defaults() {
    return new RefitPolicy(0.1, 1.0);
  }

  /** Refit every time new data arrived (full multi-start fits still follow {@code fullFitGrowth}). */
  public static RefitPolicy everyIteration() {
    return new RefitPolicy(0, 1.0);
  }

  boolean refitDue(int n, int fittedAt) {
    return n > fittedAt && n >= fittedAt * (1 + growth);
  }

  boolean fullFitDue(int n, int fullFitAt) {
    return n > fullFitAt && n >= fullFitAt * (1 + fullFitGrowth);
  }
}

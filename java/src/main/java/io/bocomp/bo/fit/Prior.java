package io.bocomp.bo.fit;

import java.util.SplittableRandom;

/**
 * A prior on a positive hyperparameter {@code v} that is optimized as {@code log v}. Following
 * GPyTorch, the MAP objective adds {@code log p(v)} without the Jacobian of the log transform.
 */
public interface Prior {
  /** {@code log p(v)} up to a constant, for {@code v > 0}. */
  double logDensity(double v);

  /** {@code d log p(v) / d log v}. */
  double logDensityDerivativeInLog(double v);

  /** A draw, for random restarts of the fit. */
  double sample(SplittableRandom rng);

  /** A typical value to start from (the mode when it exists). */
  double typical();
}

package io.bocomp.bo.model;

/**
 * The correlation profile of a stationary ARD kernel. A {@link GaussianProcess} with lengthscales
 * {@code ℓ} and outputscale {@code s²} uses {@code k(x, x') = s² · κ(r²)} with the scaled squared
 * distance {@code r² = Σ_j ((x_j − x'_j) / ℓ_j)²}; this interface supplies {@code κ} and its
 * derivative with respect to {@code r²}, which is all the GP needs for the kernel matrix, the
 * posterior gradients in {@code x} and the hyperparameter gradients in {@code log ℓ}.
 *
 * <p>Implementations must satisfy {@code κ(0) = 1}, be positive definite in every dimension and
 * keep {@code dκ/dr²} finite at {@code r² = 0} (true for Matérn-3/2, Matérn-5/2 and the RBF). A new
 * kernel is a new class; nothing else changes.
 */
public interface Kernel {
  /** Short stable name used in logs and serialized state, e.g. {@code "matern52"}. */
  String name();

  /** {@code κ(r²)}; {@code r2 ≥ 0}. */
  double correlation(double r2);

  /** {@code dκ/d(r²)}; finite at 0. */
  double correlationDerivative(double r2);

  /**
   * Fills {@code values[i] = κ(r2[i])} and {@code derivatives[i] = dκ/dr²(r2[i])} for {@code i} in
   * {@code [0, count)}. Implementations share the exponential between the two.
   */
  default void correlationAndDerivative(double[] r2, int count, double[] values, double[] derivatives) {
    for (int i = 0; i < count; i++) {
      values[i] = correlation(r2[i]);
      derivatives[i] = correlationDerivative(r2[i]);
    }
  }
}

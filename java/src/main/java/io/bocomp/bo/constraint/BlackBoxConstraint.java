package io.bocomp.bo.constraint;

/**
 * A constraint {@code c(x) ≤ threshold} on a quantity measured with the objective (e.g. latency):
 * every successful {@code Evaluation} must carry a value named {@code name}. It gets its own GP
 * (same kernel and noise model as the objective) and enters the acquisition through the
 * probability of feasibility.
 */
public record BlackBoxConstraint(String name, double threshold) {
  public BlackBoxConstraint {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("black-box constraint needs a name");
    }
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("black-box constraint '" + name + "' needs a finite threshold");
    }
  }
}

package io.bocomp.bo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one evaluation of the objective returns: the mean of the objective (to be minimized) with
 * an optional standard error, the values of black-box constraints, or a failure.
 *
 * <p>A NaN or infinite mean makes the evaluation failed (as a thrown exception does in
 * {@link BayesOpt#minimize}): it is recorded with its reason, excluded from the surrogate, and the
 * optimizer will not propose that exact point again. A missing standard error means an exact
 * (noiseless) value. Immutable.
 */
public final class Evaluation {
  private final double mean;
  private final double stderr;
  private final Map<String, Measurement> constraints;
  private final String failure;

  private Evaluation(double mean, double stderr, Map<String, Measurement> constraints, String failure) {
    this.mean = mean;
    this.stderr = stderr;
    this.constraints = Collections.unmodifiableMap(constraints);
    this.failure = failure;
  }

  /** An exact objective value. */
  public static Evaluation of(double mean) {
    return of(mean, 0.0);
  }

  /** An objective mean with the standard error of that mean. */
  public static Evaluation of(double mean, double stderr) {
    if (!Double.isFinite(mean)) {
      return failed("objective value " + mean);
    }
    return new Evaluation(mean, stderr, new LinkedHashMap<>(), null);
  }

  /** A failed evaluation, with a reason for the record. */
  public static Evaluation failed(String reason) {
    return new Evaluation(Double.NaN, Double.NaN, new LinkedHashMap<>(), Objects.requireNonNullElse(reason, "failed"));
  }

  /** This evaluation with an exact black-box constraint value {@code c(x)} added. */
  public Evaluation withConstraint(String name, double value) {
    return withConstraint(name, value, 0.0);
  }

  /** This evaluation with a measured black-box constraint value added. */
  public Evaluation withConstraint(String name, double value, double stderr) {
    if (failure != null) {
      return this;
    }
    Map<String, Measurement> c = new LinkedHashMap<>(constraints);
    c.put(name, new Measurement(value, stderr));
    return new Evaluation(mean, stderr(), c, null);
  }

  public boolean isFailed() {
    return failure != null;
  }

  /** Why it failed, or null. */
  public String failureReason() {
    return failure;
  }

  /** The objective mean (NaN when failed). */
  public double mean() {
    return mean;
  }

  /** Standard error of the mean (NaN when failed, 0 when exact). */
  public double stderr() {
    return stderr;
  }

  /** Black-box constraint values by name. */
  public Map<String, Measurement> constraints() {
    return constraints;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Evaluation e
        && Double.compare(mean, e.mean) == 0
        && Double.compare(stderr, e.stderr) == 0
        && constraints.equals(e.constraints)
        && Objects.equals(failure, e.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mean, stderr, constraints, failure);
  }

  @Override
  public String toString() {
    return failure != null ? "Evaluation{failed: " + failure + "}"
        : "Evaluation{mean=" + mean + ", stderr=" + stderr + (constraints.isEmpty() ? "" : ", " + constraints) + "}";
  }
}

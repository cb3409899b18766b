package io.bocomp.bo.constraint;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A constraint known in closed form (e.g. a parameter count within a budget), evaluated on user
 * points (integer coordinates already rounded). Handled exactly: the optimizer never scores,
 * starts from, or proposes a point that violates it, and the initial design skips such points.
 * Must be a deterministic, cheap, thread-safe function.
 */
public interface KnownConstraint {
  String name();

  boolean isSatisfied(double[] x);

  static KnownConstraint of(String name, Predicate<double[]> satisfied) {
    Objects.requireNonNull(satisfied, "predicate");
    return new KnownConstraint() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean isSatisfied(double[] x) {
        return satisfied.test(x);
      }

      @Override
      public String toString() {
        return "KnownConstraint{" + name + "}";
      }
    };
  }
}

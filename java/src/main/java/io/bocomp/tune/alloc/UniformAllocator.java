package io.bocomp.tune.alloc;

import io.bocomp.tune.InfeasibleBudgetException;
import io.bocomp.tune.SearchSpace;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The same value in every dimension (a rank, energy or pruning fraction), the least compression
 * whose plan meets the budget, by bisection over [smallest lower bound, largest upper bound]: the
 * tuner's first trial and today's baseline. 60 halvings leave the feasible and the infeasible value
 * 2^-60 of the range apart, so the plan is the largest uniform one to within a value step no rank
 * resolves.
 *
 * <p>Limits: a rank fraction cuts a layer that holds 0.04% of the parameters as hard as one that
 * holds 70%; on the default model at 25% of the parameters that plan keeps 19% of every
 * convolution's ranks and the network does not survive it (docs/results.md).
 */
public final class UniformAllocator extends CheckedAllocator {
  public UniformAllocator() {
    super("uniform");
  }

  @Override
  Choice choose(AllocationProblem p) {
    SearchSpace space = p.space();
    double[] theta = atBudget(space, p::fraction, p.budget());
    if (theta == null) {
      double f = p.fraction(space.strongest());
      throw new InfeasibleBudgetException(String.format(Locale.ROOT, "%s: its smallest plan costs"
          + " %.6g of the original %s, above the budget %.6g", name(), f, p.metric().json(),
          p.budget()), f);
    }
    double next = Double.NaN;
    double v = theta.length > 0 ? commonValue(space, theta) : Double.NaN;
    double[] bigger = step(space, v, p::fraction, p.budget());
    if (bigger != null) {
      next = p.fraction(bigger);
    }
    return new Choice(theta, next, space.parametrization().json() + " fraction", v, 0, List.of());
  }

  /**
   * The uniform theta meeting {@code r(theta) <= budget}: the largest common value for rank and
   * energy fractions (the smallest for pruning fractions), by bisection (R is monotone in a common
   * value); null when even the strongest compression misses the budget.
   */
  public static double[] atBudget(SearchSpace space, ToDoubleFunction<double[]> r, double budget) {
    double[] range = range(space);
    boolean up = space.parametrization().higherCompresses();
    double strongest = up ? range[1] : range[0];
    double weakest = up ? range[0] : range[1];
    if (r.applyAsDouble(space.uniform(strongest)) > budget) {
      return null;
    }
    if (r.applyAsDouble(space.uniform(weakest)) <= budget) {
      return space.uniform(weakest);
    }
    return space.uniform(bisect(space, r, budget, strongest, weakest)[0]);
  }

  /** [ok, bad] after 60 halvings between a feasible and an infeasible common value. */
  private static double[] bisect(SearchSpace space, ToDoubleFunction<double[]> r, double budget,
      double ok, double bad) {
    for (int i = 0; i < 60; i++) {
      double mid = 0.5 * (ok + bad);
      if (r.applyAsDouble(space.uniform(mid)) <= budget) {
        ok = mid;
      } else {
        bad = mid;
      }
    }
    return new double[] {ok, bad};
  }

  /** The uniform plan just past {@code v} (the bisection's infeasible end), or null at the end. */
  private static double[] step(SearchSpace space, double v, ToDoubleFunction<double[]> r,
      double budget) {
    double[] range = range(space);
    boolean up = space.parametrization().higherCompresses();
    double weakest = up ? range[0] : range[1];
    if (v == weakest) {
      return null;
    }
    return space.uniform(bisect(space, r, budget, v, weakest)[1]);
  }

  private static double[] range(SearchSpace space) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (SearchSpace.Knob k : space.knobs()) {
      lo = Math.min(lo, k.lower());
      hi = Math.max(hi, k.upper());
    }
    return new double[] {lo, hi};
  }

  /** The common value of a uniform theta (its unclamped value where some dimension is inside). */
  private static double commonValue(SearchSpace space, double[] theta) {
    for (int k = 0; k < theta.length; k++) {
      SearchSpace.Knob kn = space.knobs().get(k);
      if (theta[k] > kn.lower() && theta[k] < kn.upper()) {
        return theta[k];
      }
    }
    return theta[0];
  }
}

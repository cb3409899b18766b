package io.bocomp.tune;

import io.bocomp.bo.optim.SobolSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The first trials of a stage, before any GP is fitted: optionally the uniform plan at the budget
 * (the same value in every dimension, the largest that meets the budget: a strong feasible start
 * and the baseline the tuner must beat), then points of a scrambled Sobol sequence over the box
 * (seeded, so every dimension varies before d lengthscales are fitted), restricted to the points
 * that meet the budget in closed form when a {@link FeasibleSampler} is given.
 */
final class InitialDesign {
  private final List<double[]> points = new ArrayList<>();
  private final boolean startsUniform;

  /**
   * @param space the search space
   * @param size number of design points
   * @param seed seed of the Sobol scrambling
   * @param uniform the uniform plan at the budget, or null to start with Sobol points
   * @param feasible keeps only Sobol points within the budget, or null for the whole box
   */
  InitialDesign(SearchSpace space, int size, long seed, double[] uniform,
      FeasibleSampler feasible) {
    this.startsUniform = uniform != null && size > 0;
    if (startsUniform) {
      points.add(uniform.clone());
    }
    if (feasible != null) {
      for (double[] p : feasible.sobol(size - points.size(), seed)) {
        points.add(p);
      }
      return;
    }
    SobolSequence sobol = SobolSequence.scrambled(space.dimension(), seed);
    double[] u = new double[space.dimension()];
    while (points.size() < size) {
      sobol.next(u, 0);
      points.add(space.fromUnit(u));
    }
  }

  int size() {
    return points.size();
  }

  double[] point(int t) {
    return points.get(t).clone();
  }

  String phase(int t) {
    return t == 0 && startsUniform ? "uniform" : "design";
  }

  /**
   * The uniform theta meeting {@code r(theta) <= budget}: the largest common value for rank and
   * energy fractions (the smallest for pruning fractions), by bisection over [min lower, max upper]
   * (R is monotone in a common value); null when even the strongest compression misses the budget.
   */
  static double[] uniformAtBudget(SearchSpace space, ToDoubleFunction<double[]> r, double budget) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (SearchSpace.Knob k : space.knobs()) {
      lo = Math.min(lo, k.lower());
      hi = Math.max(hi, k.upper());
    }
    boolean up = space.parametrization().higherCompresses();
    double strongest = up ? hi : lo;
    double weakest = up ? lo : hi;
    if (r.applyAsDouble(space.uniform(strongest)) > budget) {
      return null;
    }
    if (r.applyAsDouble(space.uniform(weakest)) <= budget) {
      return space.uniform(weakest);
    }
    double ok = strongest;
    double bad = weakest;
    for (int i = 0; i < 60; i++) {
      double mid = 0.5 * (ok + bad);
      if (r.applyAsDouble(space.uniform(mid)) <= budget) {
        ok = mid;
      } else {
        bad = mid;
      }
    }
    return space.uniform(ok);
  }
}

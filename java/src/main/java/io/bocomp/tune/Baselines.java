package io.bocomp.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The plans the tuner is compared against, under the same budget: the uniform plan (the same value
 * in every dimension, the least compression that meets the budget, found by bisection) and random
 * search (thetas drawn uniformly from the box, kept when they meet the budget; the analytic cost
 * makes the rejection free, so every evaluated random plan is feasible).
 */
public final class Baselines {
  /** Draws per accepted random theta before giving up (a budget with a tiny feasible region). */
  private static final int MAX_DRAWS_PER_POINT = 100_000;

  private Baselines() {}

  /**
   * The uniform theta at the budget, or null when even the strongest compression misses it.
   *
   * @param budget B as a fraction of the original cost of {@code metric} (an analytic metric)
   */
  public static double[] uniformAtBudget(SearchSpace space, CostMetric metric, double budget) {
    PlanCost original = PlanCost.original(space.factors());
    return InitialDesign.uniformAtBudget(space,
        t -> PlanCost.analytic(space.resolve(t)).fraction(metric, original), budget);
  }

  /**
   * {@code n} thetas drawn uniformly from the box that meet the budget (rejection sampling).
   *
   * @throws TuneConfigException when feasible points are too rare to find
   */
  public static List<double[]> randomFeasible(SearchSpace space, CostMetric metric, double budget,
      int n, long seed) {
    PlanCost original = PlanCost.original(space.factors());
    SplittableRandom rng = new SplittableRandom(seed);
    List<double[]> out = new ArrayList<>();
    double[] u = new double[space.dimension()];
    long draws = 0;
    while (out.size() < n) {
      if (++draws > (long) MAX_DRAWS_PER_POINT * n) {
        throw new TuneConfigException("random search: fewer than 1 in " + MAX_DRAWS_PER_POINT
            + " random plans meet the budget " + budget);
      }
      for (int k = 0; k < u.length; k++) {
        u[k] = rng.nextDouble();
      }
      double[] theta = space.fromUnit(u);
      if (PlanCost.analytic(space.resolve(theta)).fraction(metric, original) <= budget) {
        out.add(theta);
      }
    }
    return out;
  }
}

package io.bocomp.tune.alloc;

import io.bocomp.tune.BudgetProjection;
import io.bocomp.tune.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Random search with a given number of evaluations: thetas drawn uniformly from the tuner's box and
 * kept when they meet the budget (the analytic cost makes the rejection free, so every evaluated
 * plan is feasible; where feasible draws are too rare, projected onto the budget), each measured by the caller's objective (the tuner's L on its sample), the
 * least kept. The baseline that tells what the tuner's model of L adds over its evaluations alone.
 * Not one-shot: it runs the network once per candidate.
 */
public final class RandomFeasibleAllocator extends CheckedAllocator {
  /**
   * Rejection draws per point before the last draw is projected onto the budget instead (a budget
   * with a tiny feasible region; {@link BudgetProjection}).
   */
  private static final int MAX_DRAWS_PER_POINT = 20_000;

  private final int evaluations;
  private final long seed;
  private final ToDoubleFunction<double[]> loss;

  /**
   * @param evaluations candidates to measure (at least 1)
   * @param seed seed of the draws
   * @param loss L of a theta (e.g. on the tuner's sample)
   */
  public RandomFeasibleAllocator(int evaluations, long seed, ToDoubleFunction<double[]> loss) {
    super("random");
    if (evaluations < 1) {
      throw new IllegalArgumentException("random search needs at least 1 evaluation");
    }
    this.evaluations = evaluations;
    this.seed = seed;
    this.loss = loss;
  }

  @Override
  Choice choose(AllocationProblem p) {
    double[] best = null;
    double bestL = Double.POSITIVE_INFINITY;
    for (double[] theta : draw(p.space(), p::fraction, p.budget(), evaluations, seed)) {
      double l = loss.applyAsDouble(theta);
      if (best == null || l < bestL) {
        best = theta;
        bestL = l;
      }
    }
    return new Choice(best, Double.NaN, "best of", evaluations, evaluations, List.of());
  }

  /**
   * {@code n} thetas drawn uniformly from the box that meet {@code r(theta) <= budget}; where
   * {@link #MAX_DRAWS_PER_POINT} draws find none, the last draw projected onto the budget
   * ({@link BudgetProjection}), so the points of a tight budget's search lie on its boundary.
   */
  public static List<double[]> draw(SearchSpace space, ToDoubleFunction<double[]> r,
      double budget, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<double[]> out = new ArrayList<>();
    double[] u = new double[space.dimension()];
    int draws = 0;
    while (out.size() < n) {
      for (int k = 0; k < u.length; k++) {
        u[k] = rng.nextDouble();
      }
      double[] theta = space.fromUnit(u);
      if (++draws >= MAX_DRAWS_PER_POINT) {
        out.add(BudgetProjection.onto(space, r, budget, theta));
        draws = 0;
      } else if (r.applyAsDouble(theta) <= budget) {
        out.add(theta);
        draws = 0;
      }
    }
    return out;
  }
}

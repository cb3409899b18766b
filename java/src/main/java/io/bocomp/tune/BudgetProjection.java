package io.bocomp.tune;

import java.util.function.ToDoubleFunction;

/**
 * Moves a theta that misses the budget onto it: along the segment from theta to the space's
 * strongest compression ({@link SearchSpace#strongest()}), the point nearest theta that meets
 * {@code r <= budget}, found by bisection on the segment's parameter.
 *
 * <p>Why: at a tight budget the feasible part of the box can be far below one in 10^5 of it (the
 * zoo MobileNet at 25% of the parameters, where the strongest plan reaches 14%), so rejection
 * sampling from the box finds no feasible point, and random search, the tuner's space-filling
 * design and its exploration trials would stop or spend trials on infeasible plans. The projected
 * point keeps the random draw's direction (which layers it compresses more than others) and lands
 * on the budget's boundary, where the good plans of a tight budget are.
 *
 * <p>Algorithm: every coordinate moves monotonically toward its strongest value as the parameter
 * t goes from 0 to 1, and the analytic cost is monotone in each coordinate (ranks, pruning
 * fractions and bit widths all only lower it toward the strongest setting), so r(theta(t)) is
 * non-increasing in t; 50 bisection steps bracket the smallest feasible t to 2^-50 and the
 * feasible end is returned. Limits: when even the strongest plan misses the budget, that plan is
 * returned (callers check reachability first: {@link StageChecks}); the projected points are not
 * uniform over the feasible set, they concentrate near its boundary.
 */
public final class BudgetProjection {
  private static final int STEPS = 50;

  private BudgetProjection() {}

  /**
   * theta itself when {@code r(theta) <= budget}, else the feasible point of the segment to the
   * strongest plan nearest theta.
   */
  public static double[] onto(SearchSpace space, ToDoubleFunction<double[]> r, double budget,
      double[] theta) {
    if (r.applyAsDouble(theta) <= budget) {
      return theta.clone();
    }
    double[] strongest = space.strongest();
    if (r.applyAsDouble(strongest) > budget) {
      return strongest;
    }
    double lo = 0;
    double hi = 1;
    double[] p = new double[theta.length];
    for (int i = 0; i < STEPS; i++) {
      double mid = 0.5 * (lo + hi);
      if (r.applyAsDouble(at(theta, strongest, mid, p)) <= budget) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return at(theta, strongest, hi, new double[theta.length]);
  }

  private static double[] at(double[] from, double[] to, double t, double[] out) {
    for (int k = 0; k < out.length; k++) {
      out[k] = t >= 1 ? to[k] : from[k] + t * (to[k] - from[k]);
    }
    return out;
  }
}

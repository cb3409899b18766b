package io.bocomp.tune;

import io.bocomp.bo.constraint.KnownConstraint;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Ma et al.'s budgeted search: minimize L(theta) subject to R(theta) &lt;= B through the Lagrangian
 * L + lambda R, with an outer search over lambda and an inner Bayesian optimization per lambda.
 *
 * <p>Steps: after the initial design, the trials are cut into steps of {@code stepLength}. At the
 * start of each step lambda is set by maximizing the dual over the cached evaluations,
 * g(lambda) = min_i L_i + lambda (R_i - B): its supergradient is R(argmin) - B, so lambda is
 * bracketed automatically (from the scale (L range)/(R range) of the trials so far, multiplied or
 * divided by 4 until the argmin's R crosses B) and then bisected in log(lambda) to the smallest
 * value whose argmin is feasible. The step's trials are proposed by a Bayesian optimizer of
 * L + lambda R built from ALL cached evaluations re-weighted with that lambda ({@link BoProposer});
 * no network is evaluated for the re-weighting. As the cache grows, lambda converges to the
 * multiplier at which the best feasible and the best infeasible trade-offs balance.
 *
 * <p>Budget-boundary proposals: with a budget in closed form (parameters, MACs, bytes), every
 * {@code boundaryEvery}-th BO trial is proposed instead by a Bayesian optimizer of L itself under
 * the exact constraint R(theta) &lt;= B (as {@link ConstrainedSearch} does at the end of its
 * cooling), from the same cache. The multiplier alone cannot reach every plan at the budget:
 * where the best feasible trade-off is not on the lower convex hull of the cached (R, L) points
 * (a duality gap, common with discrete ranks), the dual's minimizer sits between a feasible and an
 * infeasible trial, and L + lambda R proposals land just past the budget. Measured on VGG-wide at
 * parameters 0.25 (docs/results.md, "Budget-boundary proposals"): without them, 48 of one seed's
 * 50 model proposals were infeasible (its 39 other BO trials explored), and every seed returned
 * an allocator's plan. Journalled with no multiplier and the budget as the bound ({@code kappa}).
 *
 * <p>The result is chosen by the tuner: the feasible trial of least L over all trials, whatever
 * lambda proposed it.
 */
final class LagrangianSearch extends DesignThenBoSearch {
  private static final double GROWTH = 4;
  private static final int MAX_BRACKET_STEPS = 60;
  /** Shrinking stops at scale / 4^10 (about 1e-6 scale): the budget is then not binding. */
  private static final int MAX_SHRINK_STEPS = 10;
  private static final int BISECTIONS = 60;

  private final int stepLength;
  private final ToDoubleFunction<double[]> analyticR;
  private final int boundaryEvery;
  private final Map<Integer, Double> lambdaOfStep = new HashMap<>();

  /**
   * @param budget B as a fraction of the original cost
   * @param stepLength BO trials per lambda
   * @param analyticR R(theta) in closed form, or null when R is measured (no boundary proposals)
   * @param boundaryEvery every this many BO trials, one is a budget-boundary proposal (0: never)
   * @param fallback a feasible theta (the uniform plan at the budget)
   */
  LagrangianSearch(int stage, InitialDesign design, BoProposer proposer, double budget,
      int stepLength, ToDoubleFunction<double[]> analyticR, int boundaryEvery, double[] fallback) {
    super(stage, design, proposer, budget, fallback);
    this.stepLength = Math.max(1, stepLength);
    this.analyticR = analyticR;
    this.boundaryEvery = analyticR == null ? 0 : boundaryEvery;
  }

  @Override
  Proposal proposeBo(int t, List<TrialRecord> history) {
    double lambda = lambdaAt(t, history);
    if (explores(t)) {
      return proposer.explore(stage, t, lambda, Double.NaN);
    }
    if (atBoundary(t)) {
      return proposer.propose(stage, t, history.subList(0, t), TrialRecord::loss, withinBudget(),
          null, fallback, Double.NaN, budget);
    }
    return proposer.propose(stage, t, history.subList(0, t), r -> r.loss() + lambda * r.r(), null,
        null, fallback, lambda, Double.NaN);
  }

  @Override
  List<Proposal> proposeBoBatch(int start, int size, List<TrialRecord> history,
      Predicate<double[]> measured) {
    if (atBoundary(start)) {
      return proposer.proposeBatch(stage, start, size, this::explores,
          history.subList(0, start), TrialRecord::loss, withinBudget(), null, fallback, Double.NaN,
          budget, measured);
    }
    double lambda = lambdaAt(start, history);
    return proposer.proposeBatch(stage, start, size, this::explores,
        history.subList(0, start), r -> r.loss() + lambda * r.r(), null, null, fallback, lambda,
        Double.NaN, measured);
  }

  /**
   * True when BO trial {@code t} (or the batch starting there) is a budget-boundary proposal:
   * minimize L itself under the exact constraint R &lt;= B, every {@code boundaryEvery}-th BO trial.
   */
  boolean atBoundary(int t) {
    int bo = t - design.size();
    return boundaryEvery > 0 && bo % boundaryEvery == boundaryEvery - 1;
  }

  private KnownConstraint withinBudget() {
    return atMost(analyticR, budget);
  }

  /** The multiplier of the step trial t belongs to (computed from the trials before that step). */
  double lambdaAt(int t, List<TrialRecord> history) {
    int step = (t - design.size()) / stepLength;
    int start = design.size() + step * stepLength;
    return lambdaOfStep.computeIfAbsent(step, s -> dualMultiplier(history.subList(0, start),
        budget));
  }

  @Override
  public String objective(List<TrialRecord> history) {
    return String.format(Locale.ROOT, "log(L + lambda R), lambda = %.6g",
        dualMultiplier(history, budget));
  }

  /**
   * The multiplier maximizing the dual over the successful trials: the smallest lambda (to a
   * relative 1e-9) whose minimizer of L + lambda R is feasible. About 1e-6 of the scale (L range)/(R range)
   * feasible (the budget is not binding), large when no trial is feasible (pushes the search to
   * cheaper plans).
   */
  static double dualMultiplier(List<TrialRecord> trials, double budget) {
    double lMin = Double.POSITIVE_INFINITY;
    double lMax = Double.NEGATIVE_INFINITY;
    double rMin = Double.POSITIVE_INFINITY;
    double rMax = Double.NEGATIVE_INFINITY;
    int n = 0;
    for (TrialRecord r : trials) {
      if (!r.failed()) {
        lMin = Math.min(lMin, r.loss());
        lMax = Math.max(lMax, r.loss());
        rMin = Math.min(rMin, r.r());
        rMax = Math.max(rMax, r.r());
        n++;
      }
    }
    if (n == 0) {
      return 1;
    }
    double scale = lMax > lMin && rMax > rMin ? (lMax - lMin) / (rMax - rMin) : 1;
    double lo;
    double hi;
    if (feasibleArgmin(trials, scale, budget)) {
      hi = scale;
      lo = scale / GROWTH;
      int k = 0;
      while (feasibleArgmin(trials, lo, budget)) {
        if (++k >= MAX_SHRINK_STEPS) {
          return lo;
        }
        hi = lo;
        lo /= GROWTH;
      }
    } else {
      lo = scale;
      hi = scale * GROWTH;
      int k = 0;
      while (!feasibleArgmin(trials, hi, budget)) {
        if (++k >= MAX_BRACKET_STEPS) {
          return hi;
        }
        lo = hi;
        hi *= GROWTH;
      }
    }
    for (int i = 0; i < BISECTIONS && hi > lo * (1 + 1e-9); i++) {
      double mid = Math.sqrt(lo * hi);
      if (feasibleArgmin(trials, mid, budget)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /** True if the trial minimizing L + lambda R (ties: smaller R) meets the budget. */
  static boolean feasibleArgmin(List<TrialRecord> trials, double lambda, double budget) {
    double best = Double.POSITIVE_INFINITY;
    double bestR = Double.POSITIVE_INFINITY;
    for (TrialRecord r : trials) {
      if (r.failed()) {
        continue;
      }
      double y = r.loss() + lambda * r.r();
      if (y < best || (y == best && r.r() < bestR)) {
        best = y;
        bestR = r.r();
      }
    }
    return TrialEvaluator.feasible(bestR, budget);
  }
}

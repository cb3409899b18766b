package io.bocomp.tune.alloc;

import io.bocomp.compress.ResolvedPlan;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.Parametrization;
import io.bocomp.tune.PlanCost;
import io.bocomp.tune.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * What every allocator is given: the tuner's search space, an analytic budget (a metric and a
 * fraction of the original model's cost) and, built once on first use and shared by the spectral
 * rules, one {@link Ladder} per dimension.
 *
 * <p>Costs are additive over dimensions: R(options) = (cost of everything outside the searched
 * layers + the sum of each dimension's option cost) / original, which equals the analytic cost of
 * the resolved plan ({@link PlanCost#analytic}) because each layer's resolved shape depends on its
 * own entry only (no filter pruning in a factorization space). Every allocation is checked against
 * the full resolve before it is returned.
 */
public final class AllocationProblem {
  /** Relative slack of the budget test, as the tuner's (rounding in the fraction). */
  private static final double SLACK = 1e-12;

  private final SearchSpace space;
  private final CostMetric metric;
  private final double budget;
  private final PlanCost original;
  private Ladders ladders;

  /**
   * The dimensions' ladders, built together on first use.
   *
   * @param list the ladders, in dimension order
   * @param outside the cost (in the budget's metric) of everything outside the ladders
   * @param seconds the time building them took
   */
  private record Ladders(List<Ladder> list, double outside, double seconds) {}

  private AllocationProblem(SearchSpace space, CostMetric metric, double budget) {
    this.space = space;
    this.metric = metric;
    this.budget = budget;
    this.original = PlanCost.original(space.factors());
  }

  /**
   * @param metric an analytic metric (params, MACs or bytes)
   * @param budget the bound as a fraction of the original model's cost in {@code metric}
   */
  public static AllocationProblem of(SearchSpace space, CostMetric metric, double budget) {
    if (!metric.analytic()) {
      throw new IllegalArgumentException("allocators need an analytic budget, not " + metric);
    }
    if (!(budget > 0)) {
      throw new IllegalArgumentException("budget must be positive, got " + budget);
    }
    return new AllocationProblem(space, metric, budget);
  }

  public SearchSpace space() {
    return space;
  }

  public CostMetric metric() {
    return metric;
  }

  /** B as a fraction of the original cost. */
  public double budget() {
    return budget;
  }

  /** The original model's analytic costs. */
  public PlanCost original() {
    return original;
  }

  /** R(theta) in the budget's metric, as a fraction of the original (full resolve). */
  public double fraction(double[] theta) {
    return PlanCost.analytic(space.resolve(theta)).fraction(metric, original);
  }

  /** True if a fraction meets the budget. */
  public boolean feasible(double fraction) {
    return fraction <= budget * (1 + SLACK);
  }

  /** Seconds spent building the ladders (0 until a spectral rule asked for them). */
  public double ladderSeconds() {
    return ladders == null ? 0 : ladders.seconds();
  }

  /** The dimensions' ladders (built on first use). */
  List<Ladder> ladders() {
    return built().list();
  }

  private Ladders built() {
    if (ladders == null) {
      if (space.parametrization() == Parametrization.PRUNE) {
        throw new NotApplicableException("spectral allocators need rank or energy fractions,"
            + " not pruning fractions");
      }
      if (space.knobs().stream().anyMatch(SearchSpace.Knob::isBits)) {
        throw new NotApplicableException("spectral allocators choose ranks, not bit widths");
      }
      long t0 = System.nanoTime();
      double[] base = space.strongest();
      List<Ladder> ls = new ArrayList<>();
      for (int k = 0; k < space.dimension(); k++) {
        ls.add(Ladder.build(space, k, base));
      }
      double inLadders = 0;
      int[] first = new int[ls.size()];
      for (Ladder l : ls) {
        inLadders += l.cost(0, metric);
      }
      double outside = PlanCost.analytic(space.resolve(theta(first, ls))).value(metric)
          - inLadders;
      ladders = new Ladders(List.copyOf(ls), outside, (System.nanoTime() - t0) / 1e9);
    }
    return ladders;
  }

  /** R of a choice of one option per dimension, by the additive cost (fraction). */
  double fraction(int[] options) {
    Ladders ls = built();
    double c = ls.outside();
    for (int k = 0; k < options.length; k++) {
      c += ls.list().get(k).cost(options[k], metric);
    }
    return c / original.value(metric);
  }

  /** The theta of a choice of one option per dimension. */
  double[] theta(int[] options) {
    return theta(options, ladders());
  }

  private static double[] theta(int[] options, List<Ladder> ls) {
    double[] t = new double[options.length];
    for (int k = 0; k < t.length; k++) {
      t[k] = ls.get(k).values[options[k]];
    }
    return t;
  }

  /**
   * The allocation of a theta, its cost checked by the full resolve, and its seconds the time
   * from {@code startNanos} (the rule's {@link System#nanoTime()} at its start) to the end of
   * that check.
   *
   * @throws IllegalStateException when the plan misses the budget (a bug in a rule)
   */
  Allocation allocation(String name, long startNanos, double[] theta, double nextFraction,
      String parameterName, double parameter, int evaluations, List<String> notes) {
    ResolvedPlan p = space.resolve(theta);
    PlanCost cost = PlanCost.analytic(p);
    double f = cost.fraction(metric, original);
    if (!feasible(f)) {
      throw new IllegalStateException(name + ": its plan costs " + f + " of the original "
          + metric.json() + ", above the budget " + budget);
    }
    return new Allocation(name, theta, space.plan(theta), cost, f, nextFraction, parameterName,
        parameter, evaluations, (System.nanoTime() - startNanos) / 1e9, notes);
  }
}

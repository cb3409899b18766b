package io.bocomp.tune;

import io.bocomp.bo.constraint.KnownConstraint;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Chen et al.'s constraint-aware search: minimize L(theta) with the resource constraint
 * R(theta) &lt;= kappa_t inside the Bayesian optimizer, the bound kappa_t cooling from kappa0 = 1
 * (the original model) to the budget B over the BO trials ({@link CoolingSchedule}).
 *
 * <p>Analytic resources (parameters, MACs, bytes) are a known constraint, exact and free: the
 * optimizer never proposes a theta whose resolved plan exceeds kappa_t. Measured latency is a
 * black-box constraint with its own GP, entering the acquisition through the probability of
 * feasibility.
 */
final class ConstrainedSearch extends DesignThenBoSearch {
  private static final String LATENCY = "latency";

  private final int trials;
  private final CoolingSchedule cooling;
  private final ToDoubleFunction<double[]> analyticR;

  /**
   * @param budget B as a fraction of the original cost
   * @param trials the stage's trial count (design included)
   * @param analyticR R(theta) in closed form, or null when R is measured (latency)
   * @param fallback a feasible theta (the uniform plan at the budget)
   */
  ConstrainedSearch(int stage, InitialDesign design, BoProposer proposer, double budget,
      int trials, CoolingSchedule cooling, ToDoubleFunction<double[]> analyticR,
      double[] fallback) {
    super(stage, design, proposer, budget, fallback);
    this.trials = trials;
    this.cooling = cooling;
    this.analyticR = analyticR;
  }

  @Override
  Proposal proposeBo(int t, List<TrialRecord> history) {
    double kappa = kappaAt(t);
    if (explores(t)) {
      return proposer.explore(stage, t, Double.NaN, kappa);
    }
    return proposer.propose(stage, t, history.subList(0, t), TrialRecord::loss, known(kappa),
        measured(kappa), fallback, Double.NaN, kappa);
  }

  @Override
  List<Proposal> proposeBoBatch(int start, int size, List<TrialRecord> history,
      Predicate<double[]> measured) {
    // the tightest bound of the batch: every point meets the bound of every trial in it
    double kappa = kappaAt(start + size - 1);
    return proposer.proposeBatch(stage, start, size, this::explores,
        history.subList(0, start), TrialRecord::loss, known(kappa), measured(kappa), fallback,
        Double.NaN, kappa, measured);
  }

  /** The bound of trial t: kappa0 = 1 cooled to the budget over the BO trials. */
  double kappaAt(int t) {
    int bo = Math.max(1, trials - design.size());
    return cooling.bound(t - design.size(), bo, 1.0, budget);
  }

  @Override
  public String objective(List<TrialRecord> history) {
    return String.format(Locale.ROOT, "log(L) subject to R <= %.6g (%s cooling)", budget,
        cooling.name());
  }

  private KnownConstraint known(double kappa) {
    return analyticR == null ? null : atMost(analyticR, kappa);
  }

  private BoProposer.Measured measured(double kappa) {
    return analyticR != null ? null : new BoProposer.Measured(LATENCY, kappa, TrialRecord::r);
  }
}

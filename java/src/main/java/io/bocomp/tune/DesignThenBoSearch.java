package io.bocomp.tune;

import io.bocomp.bo.constraint.KnownConstraint;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The part of a {@link Search} that {@link LagrangianSearch} and {@link ConstrainedSearch} share:
 * trials {@code 0 .. design.size()-1} are the initial design's points, proposed without looking at
 * any result, and every later trial comes from the subclass's Bayesian optimizer
 * ({@link #proposeBo}, {@link #proposeBoBatch}). A batch of size 1 is {@link #propose}; a larger
 * one lies wholly in the design or wholly after it.
 *
 * <p>Limits: a batch that mixes design and BO trials is refused ({@link IllegalArgumentException});
 * the batch runner cuts batches at the design's end.
 */
abstract class DesignThenBoSearch implements Search {
  final int stage;
  final InitialDesign design;
  final BoProposer proposer;
  /** B as a fraction of the original cost. */
  final double budget;
  /** A feasible theta (the uniform plan at the budget). */
  final double[] fallback;

  DesignThenBoSearch(int stage, InitialDesign design, BoProposer proposer, double budget,
      double[] fallback) {
    this.stage = stage;
    this.design = design;
    this.proposer = proposer;
    this.budget = budget;
    this.fallback = fallback.clone();
  }

  /** The BO proposal of trial {@code t >= designSize()}, given the stage's trials 0 .. t-1. */
  abstract Proposal proposeBo(int t, List<TrialRecord> history);

  /** {@link #proposeBatch} for a batch of two or more trials past the design. */
  abstract List<Proposal> proposeBoBatch(int start, int size, List<TrialRecord> history,
      Predicate<double[]> measured);

  @Override
  public final Proposal propose(int t, List<TrialRecord> history) {
    if (t < design.size()) {
      return Proposal.design(design.point(t), design.phase(t));
    }
    return proposeBo(t, history);
  }

  @Override
  public final int designSize() {
    return design.size();
  }

  @Override
  public final List<Proposal> proposeBatch(int start, int size, List<TrialRecord> history,
      Predicate<double[]> measured) {
    if (size == 1) {
      return List.of(propose(start, history));
    }
    if (start < design.size()) {
      if (start + size > design.size()) {
        throw new IllegalArgumentException("a batch mixes design and BO trials");
      }
      List<Proposal> out = new ArrayList<>();
      for (int t = start; t < start + size; t++) {
        out.add(propose(t, history));
      }
      return out;
    }
    return proposeBoBatch(start, size, history, measured);
  }

  /** The exact constraint R(theta) &lt;= {@code bound} on a cost in closed form. */
  static KnownConstraint atMost(ToDoubleFunction<double[]> analyticR, double bound) {
    return KnownConstraint.of("R <= " + bound, x -> analyticR.applyAsDouble(x) <= bound);
  }

  /** True if BO trial {@code t} is one of the optimizer's exploration trials. */
  final boolean explores(int t) {
    return proposer.explores(t - design.size());
  }
}

package io.bocomp.tune;

import java.util.List;
import java.util.function.Predicate;

/**
 * How a stage chooses its trials: {@link LagrangianSearch} (Ma et al.) or
 * {@link ConstrainedSearch} (Chen et al.). A proposal must be a deterministic function of the trial
 * index and the stage's history, so that a resumed run continues exactly as an uninterrupted one.
 */
interface Search {

  /** The theta of trial {@code t}, given the stage's trials 0 .. t-1. */
  Proposal propose(int t, List<TrialRecord> history);

  /** Trials of the initial design (proposed without looking at any result). */
  int designSize();

  /**
   * Trials {@code start .. start+size-1} proposed together from the stage's trials
   * 0 .. start-1 only (a q-batch, {@link BatchStageRunner}): design points as {@link #propose}
   * gives them; BO points from one optimizer, the batch sharing the multiplier or bound of its
   * first trial (Lagrangian) or its last (constrained). A function of the same inputs as
   * {@link #propose}; for {@code size == 1} it equals {@code propose(start, history)}.
   *
   * @param history the stage's trials; only the first {@code start} are read
   * @param measured true for a theta whose network a trial before {@code start} measured
   */
  List<Proposal> proposeBatch(int start, int size, List<TrialRecord> history,
      Predicate<double[]> measured);

  /** What the final optimizer minimized, for result.json ("log(L + lambda R)", ...). */
  String objective(List<TrialRecord> history);
}

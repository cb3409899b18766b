package io.bocomp.tune;

import io.bocomp.bo.Certificate;
import java.util.List;

/**
 * How a stage chooses its trials: {@link LagrangianSearch} (Ma et al.) or
 * {@link ConstrainedSearch} (Chen et al.). A proposal must be a deterministic function of the trial
 * index and the stage's history, so that a resumed run continues exactly as an uninterrupted one.
 */
interface Search {

  /** The theta of trial {@code t}, given the stage's trials 0 .. t-1. */
  Proposal propose(int t, List<TrialRecord> history);

  /** The optimizer's certificate for the final incumbent (null when there is no model yet). */
  Certificate certificate(List<TrialRecord> history);

  /** What the final optimizer minimized, for result.json ("log(L + lambda R)", ...). */
  String objective(List<TrialRecord> history);
}

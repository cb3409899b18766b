package io.bocomp.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs the trials of one stage: propose (the stage's {@link Search}), evaluate or look up
 * ({@link TrialEvaluator}), append to the journal, tell the listener; continuing after the trials
 * the journal already holds, and stopping early between two trials when asked (Ctrl-C).
 */
final class StageRunner {
  private final int stage;
  private final int trials;
  private final Search search;
  private final TrialEvaluator evaluator;
  private final Journal journal;
  private final TuneListener listener;
  private final BooleanSupplier stop;

  StageRunner(int stage, int trials, Search search, TrialEvaluator evaluator, Journal journal,
      TuneListener listener, BooleanSupplier stop) {
    this.stage = stage;
    this.trials = trials;
    this.search = search;
    this.evaluator = evaluator;
    this.journal = journal;
    this.listener = listener;
    this.stop = stop;
  }

  /**
   * Runs the remaining trials.
   *
   * @param replayed the stage's trials read from the journal (in order)
   * @return all the stage's trials; fewer than the stage's count when stopped
   */
  List<TrialRecord> run(List<TrialRecord> replayed) {
    List<TrialRecord> history = new ArrayList<>(replayed);
    double best = bestFeasibleLoss(history);
    for (int t = history.size(); t < trials; t++) {
      if (stop.getAsBoolean()) {
        break;
      }
      long t0 = System.nanoTime();
      Proposal p = search.propose(t, history);
      double boMs = (System.nanoTime() - t0) / 1e6;
      TrialRecord r = evaluator.evaluate(stage, t, p, boMs);
      journal.append(JournalCodec.trial(r));
      history.add(r);
      if (r.feasible() && !(r.loss() >= best)) {
        best = r.loss();
      }
      listener.trialRecorded(r, best);
    }
    return history;
  }

  /** Least L among feasible successful trials (NaN when none). */
  static double bestFeasibleLoss(List<TrialRecord> history) {
    double best = Double.NaN;
    for (TrialRecord r : history) {
      if (!r.failed() && r.feasible() && !(r.loss() >= best)) {
        best = r.loss();
      }
    }
    return best;
  }

  /** The feasible trial of least L (ties: the earlier), or null when none is feasible. */
  static TrialRecord bestFeasible(List<TrialRecord> history) {
    TrialRecord best = null;
    for (TrialRecord r : history) {
      if (!r.failed() && r.feasible() && (best == null || r.loss() < best.loss())) {
        best = r;
      }
    }
    return best;
  }
}

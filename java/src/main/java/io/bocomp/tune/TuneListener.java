package io.bocomp.tune;

/**
 * What a tuning run reports while it works (the CLI draws its progress bar from it). Called on the
 * tuner's thread; implementations must be quick.
 */
public interface TuneListener {

  /**
   * A stage starts (or resumes).
   *
   * @param stage index
   * @param name its name
   * @param trials its trial count
   * @param done trials already in the journal
   */
  default void stageStarted(int stage, String name, int trials, int done) {}

  /**
   * A trial was recorded.
   *
   * @param record the trial
   * @param bestFeasible least L among the stage's feasible trials so far (NaN when none)
   */
  default void trialRecorded(TrialRecord record, double bestFeasible) {}

  /** A stage finished (all its trials, or stopped). */
  default void stageFinished(int stage) {}

  /** A step of the final phase (verifying, writing outputs) with a short description. */
  default void finishing(String what) {}

  /** A listener that ignores everything. */
  TuneListener NONE = new TuneListener() {};
}

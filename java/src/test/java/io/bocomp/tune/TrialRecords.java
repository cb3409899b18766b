package io.bocomp.tune;

import java.util.List;

/** Synthetic trial records for tests of the searches and the journal. */
final class TrialRecords {
  private TrialRecords() {}

  static TrialRecord of(int trial, double loss, double r, double budget) {
    return new TrialRecord(0, trial, "bo", new double[] {r, loss}, "k" + trial, false,
        new Distance(loss, 0.1 * loss, 50), null, new PlanCost(100, 1000, 400, Double.NaN), r,
        r <= budget, Double.NaN, Double.NaN, List.of(), TrialTiming.NONE);
  }

  static TrialRecord failed(int trial) {
    return new TrialRecord(0, trial, "bo", new double[] {0, 0}, "k" + trial, false, null, "boom",
        null, Double.NaN, false, Double.NaN, Double.NaN, List.of(), TrialTiming.NONE);
  }
}

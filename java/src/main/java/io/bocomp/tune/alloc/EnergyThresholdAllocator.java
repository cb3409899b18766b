package io.bocomp.tune.alloc;

import java.util.List;

/**
 * One retained-energy fraction e for every layer: each dimension takes its smallest plan whose
 * layers all keep at least e of their squared singular values (of each channel mode for Tucker-2,
 * as {@code --parameter energy} defines a Tucker-2 energy), with e the largest value whose plan
 * meets the budget ({@link ThresholdFamily}: exact over the finitely many values where a plan
 * changes). The reported parameter is the least energy any searched layer keeps, a value of e
 * that gives this very plan.
 *
 * <p>Limits: energy is a property of each weight alone; it ignores how much a layer matters to the
 * output and how much a rank of it costs, which is what the tuner measures.
 */
public final class EnergyThresholdAllocator extends ThresholdAllocator {
  public static final String NAME = "energy";
  /** Option i is needed once e exceeds option i-1's energy. */
  private static final Score SCORE = (l, i) -> l.energy[i];

  public EnergyThresholdAllocator() {
    super(NAME, "energy");
  }

  @Override
  Row row(Ladder l, AllocationProblem p, List<String> notes) {
    return byScore(l, SCORE);
  }

  @Override
  double parameter(ThresholdFamily.Result r, List<Ladder> ladders) {
    return Math.min(1, leastScore(r, ladders, SCORE)); // the least energy kept
  }
}

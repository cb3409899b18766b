package io.bocomp.tune.alloc;

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
public final class EnergyThresholdAllocator extends ScoreThresholdAllocator {
  public EnergyThresholdAllocator() {
    // option i is needed once e exceeds option i-1's energy; the reported e is the least kept
    super("energy", "energy", (l, i) -> l.energy[i], least -> Math.min(1, least));
  }
}

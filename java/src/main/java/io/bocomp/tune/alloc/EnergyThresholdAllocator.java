package io.bocomp.tune.alloc;

import java.util.ArrayList;
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
public final class EnergyThresholdAllocator implements Allocator {
  public static final String NAME = "energy";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Allocation allocate(AllocationProblem p) {
    long t0 = System.nanoTime();
    List<double[]> at = new ArrayList<>();
    List<int[]> opts = new ArrayList<>();
    for (Ladder l : p.ladders()) {
      double[] a = new double[l.size()];
      for (int i = 1; i < a.length; i++) {
        a[i] = Math.nextUp(l.energy[i - 1]); // option i is needed once e exceeds option i-1's
      }
      at.add(ThresholdFamily.monotone(a));
      opts.add(ThresholdFamily.identity(l.size()));
    }
    ThresholdFamily.Result r = new ThresholdFamily(at, opts).largestFeasible(p, NAME);
    double kept = 1;
    for (int k = 0; k < r.options().length; k++) {
      kept = Math.min(kept, p.ladders().get(k).energy[r.options()[k]]);
    }
    return p.allocation(NAME, p.theta(r.options()), r.nextFraction(), "energy", kept, 0,
        List.of()).withSeconds((System.nanoTime() - t0) / 1e9);
  }
}

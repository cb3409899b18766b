package io.bocomp.tune.alloc;

/**
 * A rule that chooses a compression plan under a budget, one per class: {@link UniformAllocator},
 * {@link EnergyThresholdAllocator}, {@link AldsAllocator}, {@link EvbmfAllocator},
 * {@link LcThresholdAllocator} (one-shot: they read the cached spectra and the analytic cost model
 * only, never run the network) and {@link RandomFeasibleAllocator} (which measures L on its
 * candidates, as many as the tuner's evaluations).
 *
 * <p>Every allocator chooses within the tuner's {@link io.bocomp.tune.SearchSpace} (the layers it
 * searches, the plans its parametrization expresses), so its plan is a theta of that space and
 * can join the tuner's initial design exactly; and every one meets the budget on the same analytic
 * cost ({@link io.bocomp.tune.PlanCost}) the tuner checks.
 */
public interface Allocator {

  /** The short name used in reports and journals ("alds", "evbmf", ...). */
  String name();

  /**
   * The allocator's plan for the problem's space and budget.
   *
   * @throws NotApplicableException when the rule does not apply to the space (e.g. a spectral rule
   *     on pruning fractions)
   * @throws io.bocomp.tune.InfeasibleBudgetException when no plan of the rule meets the budget
   */
  Allocation allocate(AllocationProblem problem);
}

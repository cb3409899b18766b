package io.bocomp.tune.alloc;

import io.bocomp.compress.CompressionPlan;
import io.bocomp.tune.PlanCost;
import java.util.List;
import java.util.Objects;

/**
 * What an allocator chose.
 *
 * @param allocator the allocator's name
 * @param theta the plan as a point of the tuner's search space
 * @param plan the compression plan ({@code space.plan(theta)}: searched layers plus fixed entries)
 * @param cost its analytic costs
 * @param fraction its cost in the budget's metric as a fraction of the original (at most the
 *     budget)
 * @param nextFraction the same for the next larger plan of the rule (the next value of its
 *     threshold), which misses the budget; NaN when the rule has no larger plan (the returned one
 *     is its largest) or does not order its plans (random search)
 * @param parameterName what the rule's scalar is ("energy", "epsilon", "multiplier", "lambda",
 *     "rank fraction", "best of")
 * @param parameter its value for this plan
 * @param evaluations networks evaluated to choose the plan (0 for one-shot rules)
 * @param seconds time the allocator took
 * @param notes per-layer facts worth reporting (e.g. EVBMF's ranks), one line each
 */
public record Allocation(String allocator, double[] theta, CompressionPlan plan, PlanCost cost,
    double fraction, double nextFraction, String parameterName, double parameter,
    int evaluations, double seconds, List<String> notes) {
  public Allocation {
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(cost, "cost");
    theta = theta.clone();
    notes = List.copyOf(notes);
  }

  @Override
  public double[] theta() {
    return theta.clone();
  }
}

package io.bocomp.tune.alloc;

import java.util.List;

/**
 * The scaffolding every bocomp allocator shares: its report name, and {@link #allocate} as the
 * rule's own choice ({@link #choose}) timed from its start and turned into an {@link Allocation}
 * by {@link AllocationProblem}, which resolves the plan, checks it against the budget and records
 * the seconds. A rule supplies its name and {@link #choose}; it never builds an allocation itself,
 * so no rule can return an unchecked plan.
 *
 * <p>Limits: the time includes the full-resolve check, and the ladders too when the rule is the
 * first to ask for them ({@link AllocationProblem#ladderSeconds} says how much of it that was).
 */
abstract class CheckedAllocator implements Allocator {
  private final String name;

  CheckedAllocator(String name) {
    this.name = name;
  }

  /**
   * What a rule chose.
   *
   * @param theta the plan, a point of the problem's space
   * @param nextFraction the cost fraction of the rule's next larger plan (NaN: none or unknown)
   * @param parameterName what the rule's scalar is called in reports ("energy", "epsilon", ...)
   * @param parameter the rule's scalar for this plan
   * @param evaluations network evaluations the rule spent (0 for one-shot rules)
   * @param notes per-layer facts for the allocation's notes
   */
  record Choice(double[] theta, double nextFraction, String parameterName, double parameter,
      int evaluations, List<String> notes) {}

  /**
   * The rule's plan for the problem.
   *
   * @throws NotApplicableException when the rule does not apply to the space
   * @throws io.bocomp.tune.InfeasibleBudgetException when no plan of the rule meets the budget
   */
  abstract Choice choose(AllocationProblem p);

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Allocation allocate(AllocationProblem p) {
    long t0 = System.nanoTime();
    Choice c = choose(p);
    return p.allocation(name, t0, c.theta(), c.nextFraction(), c.parameterName(), c.parameter(),
        c.evaluations(), c.notes());
  }
}

package io.bocomp.tune.alloc;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape every spectral one-shot rule shares ({@link EnergyThresholdAllocator},
 * {@link AldsAllocator}, {@link EvbmfAllocator}, {@link LcThresholdAllocator}): each dimension's
 * {@link Ladder} becomes one row of a {@link ThresholdFamily} (at which value of the rule's scalar s
 * each of its options is taken), the family's largest plan that meets the budget is the answer, and
 * the rule reports the scalar of that plan under its own name. A rule supplies the rows and that
 * scalar (or, as {@link ScoreThresholdAllocator}, one score per option); this class builds the
 * family and searches it, and {@link CheckedAllocator} times the rule and checks the plan.
 *
 * <p>Limits: rules whose plans are not a threshold family over the ladders (uniform bisection,
 * random search) do not fit and extend {@link CheckedAllocator} directly.
 */
abstract class ThresholdAllocator extends CheckedAllocator {
  private final String parameterName;

  /**
   * @param name the rule's report name
   * @param parameterName what the rule's scalar is called in reports ("energy", "epsilon", ...)
   */
  ThresholdAllocator(String name, String parameterName) {
    super(name);
    this.parameterName = parameterName;
  }

  /**
   * One dimension's row of the family.
   *
   * @param at activation values ({@code at[0]} minus infinity, ascending)
   * @param options the ladder option each activation value selects
   */
  record Row(double[] at, int[] options) {
    /**
     * The row in which every option of the ladder is taken in order, option i at {@code a[i]}
     * ({@code a[0]} is ignored; a value below its predecessor is raised to it).
     */
    static Row everyOption(double[] a) {
      return new Row(ThresholdFamily.monotone(a), ThresholdFamily.identity(a.length));
    }
  }

  /**
   * The row of one dimension.
   *
   * @param notes where a rule adds per-layer facts for the allocation's notes
   */
  abstract Row row(Ladder ladder, AllocationProblem p, List<String> notes);

  /** The reported scalar of the chosen plan (ladders in dimension order). */
  abstract double parameter(ThresholdFamily.Result r, List<Ladder> ladders);

  @Override
  final Choice choose(AllocationProblem p) {
    List<double[]> at = new ArrayList<>();
    List<int[]> opts = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Ladder l : p.ladders()) {
      Row row = row(l, p, notes);
      at.add(row.at());
      opts.add(row.options());
    }
    ThresholdFamily.Result r = new ThresholdFamily(at, opts).largestFeasible(p, name());
    return new Choice(p.theta(r.options()), r.nextFraction(), parameterName,
        parameter(r, p.ladders()), 0, notes);
  }
}

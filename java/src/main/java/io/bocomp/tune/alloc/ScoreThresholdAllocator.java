package io.bocomp.tune.alloc;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A threshold rule whose scalar s is compared with one score per ladder option, a score that rises
 * along every ladder: each dimension takes its first option whose score reaches s (option i is
 * needed once s exceeds option i-1's score). {@link EnergyThresholdAllocator}'s score is the energy
 * an option keeps, {@link AldsAllocator}'s minus the error it keeps. The least score of the chosen
 * options is the largest s that gives the very same plan; the rule reports it through its own
 * transform (e.g. back to a positive error).
 *
 * <p>Limits: one scalar compared with one number per option; rules whose options depend on
 * several numbers at once (EVBMF's slots, LC's cost-weighted error) are plain
 * {@link ThresholdAllocator}s.
 */
abstract class ScoreThresholdAllocator extends ThresholdAllocator {
  /** The score of one option of a ladder (non-decreasing in the option). */
  interface Score {
    double of(Ladder l, int option);
  }

  private final Score score;
  private final DoubleUnaryOperator report;

  /**
   * @param name the rule's report name
   * @param parameterName what the reported scalar is called
   * @param score each option's score
   * @param report the reported scalar as a function of the least chosen score (+infinity when no
   *     dimension is searched)
   */
  ScoreThresholdAllocator(String name, String parameterName, Score score,
      DoubleUnaryOperator report) {
    super(name, parameterName);
    this.score = score;
    this.report = report;
  }

  @Override
  final Row row(Ladder l, AllocationProblem p, List<String> notes) {
    double[] a = new double[l.size()];
    for (int i = 1; i < a.length; i++) {
      a[i] = Math.nextUp(score.of(l, i - 1));
    }
    return Row.everyOption(a);
  }

  @Override
  final double parameter(ThresholdFamily.Result r, List<Ladder> ladders) {
    double least = Double.POSITIVE_INFINITY;
    for (int k = 0; k < r.options().length; k++) {
      least = Math.min(least, score.of(ladders.get(k), r.options()[k]));
    }
    return report.applyAsDouble(least);
  }
}

package io.bocomp.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Moves along a budget's boundary from one plan: one dimension steps up its rank ladder
 * ({@link SearchSpace#values}) and, where that breaks the budget, one other dimension steps down
 * as few rungs as it takes to meet it again. From the best feasible trial, they join the feasible
 * candidates the acquisition optimizer scores when none of its own raw candidates meets the budget
 * (a thin feasible region; {@link BoProposer}).
 *
 * <p>Why: at a budget near the strongest plan almost every layer sits on its lowest rungs, and the
 * plans within the budget differ by which few layers keep a rung more. Sobol points rarely meet
 * such a budget, and a Gaussian perturbation of the incumbent, projected onto the budget, moves
 * every dimension at once; a plan one exchange away is what a better plan there usually is. On the
 * zoo MobileNet at 15% of the parameters (13 dimensions, most at rank 1 or 2), three of five seeds
 * returned EVBMF's plan before these candidates and none after. Scored in every proposal instead,
 * they changed nothing measurable on the other cells of the zoo (geometric mean of the median
 * ratios 1.002 over its 12 cells) for up to 256 more candidates per proposal (docs/results.md).
 *
 * <p>Limits: dimensions without a ladder (pruning fractions, bit widths) do not move. A step goes
 * to the next one and two rungs past the plan's value (the value can sit below the midpoint of its
 * own rung), so some candidates repeat the plan itself; the caller's exclusion of measured
 * networks drops those. At most {@code max} moves are returned; with more pairs than that, a
 * seeded random subset of them is tried.
 */
final class ExchangeMoves {
  private final SearchSpace space;
  private final ToDoubleFunction<double[]> r;
  private final double budget;
  /** Rank ladder per dimension (null: none), computed on first use. */
  private final double[][] ladders;

  ExchangeMoves(SearchSpace space, ToDoubleFunction<double[]> r, double budget) {
    this.space = space;
    this.r = r;
    this.budget = budget;
    this.ladders = new double[space.dimension()][];
  }

  /**
   * The moves from {@code center} (a feasible theta), at most {@code max}; seeded by {@code seed}.
   * When there are more (raise, lower) pairs than {@code max}, they are tried in a seeded random
   * order until {@code max} moves are found, so the work stays bounded in high dimension.
   */
  List<double[]> from(double[] center, int max, long seed) {
    List<double[]> out = new ArrayList<>();
    if (space.parametrization().higherCompresses()) {
      return out;
    }
    Set<String> seen = new HashSet<>();
    List<double[]> raised = new ArrayList<>();
    List<int[]> pairs = new ArrayList<>();  // {index into raised, dimension to lower}
    int d = center.length;
    for (int i = 0; i < d; i++) {
      double[] up = ladder(i);
      int above = up == null ? 0 : firstAbove(up, center[i]);
      for (int step = 0; up != null && step < 2 && above + step < up.length; step++) {
        double[] t = center.clone();
        t[i] = up[above + step];
        if (r.applyAsDouble(t) <= budget) {
          add(out, seen, t);
          continue;
        }
        raised.add(t);
        for (int j = 0; j < d; j++) {
          if (j != i && ladder(j) != null) {
            pairs.add(new int[] {raised.size() - 1, j});
          }
        }
      }
    }
    if (pairs.size() > max) {
      Collections.shuffle(pairs, new Random(seed));
    }
    for (int[] p : pairs) {
      if (out.size() >= max) {
        break;
      }
      stepDown(raised.get(p[0]), p[1], ladder(p[1]), center[p[1]], out, seen);
    }
    return out.size() <= max ? out : new ArrayList<>(out.subList(0, max));
  }

  /** Lowers dimension j of {@code raised} rung by rung below {@code value} until the budget holds. */
  private void stepDown(double[] raised, int j, double[] down, double value, List<double[]> out,
      Set<String> seen) {
    double[] t = raised.clone();
    for (int k = firstAbove(down, value) - 1; k >= 0; k--) {
      if (down[k] >= value) {
        continue;
      }
      t[j] = down[k];
      if (r.applyAsDouble(t) <= budget) {
        add(out, seen, t);
        return;
      }
    }
  }

  private static void add(List<double[]> out, Set<String> seen, double[] t) {
    if (seen.add(Arrays.toString(t))) {
      out.add(t);
    }
  }

  /** Index of the first rung strictly above {@code value} (the ladder's length when none). */
  private static int firstAbove(double[] ladder, double value) {
    int k = 0;
    while (k < ladder.length && ladder[k] <= value) {
      k++;
    }
    return k;
  }

  private synchronized double[] ladder(int k) {
    if (ladders[k] == null && !space.knobs().get(k).isBits()) {
      ladders[k] = space.values(k);
    }
    return ladders[k];
  }
}

package io.bocomp.tune.alloc;

import io.bocomp.tune.InfeasibleBudgetException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The plans of a one-shot rule as a function of its scalar s (an energy, an error threshold, a
 * multiplier, a Lagrange multiplier): dimension k takes option {@code option[k][j]} for the last j
 * with {@code at[k][j] <= s} ({@code at[k][0]} is minus infinity; each row ascending). Larger s
 * gives a larger plan, dimension by dimension.
 *
 * <p>{@link #largestFeasible} finds the largest s whose plan meets the budget exactly: the plan is
 * constant between consecutive activation values, so every plan of the family is the plan of one
 * of them; they are tried from the largest down (each a sum over the dimensions' option costs) and
 * the first that meets the budget is the answer. Exhaustive where a bisection would assume the
 * cost monotone in s, which the dense option at the top of a ladder can break.
 */
final class ThresholdFamily {
  private final double[][] at;
  private final int[][] option;

  /** One rule's result: its scalar, the options, their cost and the next larger plan's cost. */
  record Result(double s, int[] options, double fraction, double nextFraction) {}

  ThresholdFamily(List<double[]> at, List<int[]> option) {
    this.at = at.toArray(new double[0][]);
    this.option = option.toArray(new int[0][]);
    for (int k = 0; k < this.at.length; k++) {
      double[] a = this.at[k];
      if (a.length == 0 || a[0] != Double.NEGATIVE_INFINITY || a.length != this.option[k].length) {
        throw new IllegalArgumentException("dimension " + k + ": at[0] must be -infinity");
      }
      for (int j = 1; j < a.length; j++) {
        if (!(a[j] >= a[j - 1])) {
          throw new IllegalArgumentException("dimension " + k + ": activation values must ascend");
        }
      }
    }
  }

  /** The options at s. */
  int[] choose(double s) {
    int[] out = new int[at.length];
    for (int k = 0; k < at.length; k++) {
      double[] a = at[k];
      int lo = 0;
      int hi = a.length - 1;
      while (lo < hi) { // last j with a[j] <= s
        int mid = (lo + hi + 1) >>> 1;
        if (a[mid] <= s) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      out[k] = option[k][lo];
    }
    return out;
  }

  /**
   * The largest plan of the family that meets the problem's budget.
   *
   * @throws InfeasibleBudgetException when even the smallest plan (s = minus infinity) misses it
   */
  Result largestFeasible(AllocationProblem p, String rule) {
    double[] candidates = Arrays.stream(at).flatMapToDouble(Arrays::stream)
        .filter(Double::isFinite).sorted().distinct().toArray();
    for (int i = candidates.length - 1; i >= 0; i--) {
      int[] o = choose(candidates[i]);
      double f = p.fraction(o);
      if (p.feasible(f)) {
        double next = i + 1 < candidates.length ? p.fraction(choose(candidates[i + 1]))
            : Double.NaN;
        return new Result(candidates[i], o, f, next);
      }
    }
    int[] o = choose(Double.NEGATIVE_INFINITY);
    double f = p.fraction(o);
    if (!p.feasible(f)) {
      throw new InfeasibleBudgetException(String.format(Locale.ROOT, "%s: its smallest plan costs"
          + " %.6g of the original %s, above the budget %.6g", rule, f, p.metric().json(),
          p.budget()), f);
    }
    double next = candidates.length > 0 ? p.fraction(choose(candidates[0])) : Double.NaN;
    return new Result(Double.NEGATIVE_INFINITY, o, f, next);
  }

  /** One row of activation values for a ladder whose option i activates at {@code a[i]}. */
  static double[] monotone(double[] a) {
    double[] out = a.clone();
    out[0] = Double.NEGATIVE_INFINITY;
    for (int j = 1; j < out.length; j++) {
      out[j] = Math.max(out[j - 1], out[j]);
    }
    return out;
  }

  /** 0, 1, ..., n-1. */
  static int[] identity(int n) {
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      o[i] = i;
    }
    return o;
  }
}

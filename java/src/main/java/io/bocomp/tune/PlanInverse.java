package io.bocomp.tune;

import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.Method;
import io.bocomp.compress.ResolvedPlan;

/**
 * plan -&gt; theta, the inverse of {@link SearchSpace#plan} ({@link SearchSpace#theta}): per
 * dimension, a binary search over its ladder ({@link SearchSpace#values}, one value per distinct
 * plan, ascending) for the first value whose resolved ranks cover the plan's in every layer of the
 * dimension (a dense layer covers everything; covering is monotone in the value). Exact for plans
 * the space expresses; others map to the least covering plan. Pruning fractions: the smallest
 * fraction of the dimension's layers.
 */
final class PlanInverse {
  private PlanInverse() {}

  static double[] theta(SearchSpace space, CompressionPlan plan) {
    ResolvedPlan target = plan.resolve(space.factors(), ApplyOptions.defaults());
    double[] theta = space.strongest();
    for (int k = 0; k < space.dimension(); k++) {
      SearchSpace.Knob knob = space.knobs().get(k);
      if (knob.isBits()) {
        // the fewest bits that keep at least the plan's width in every layer (float: the widest)
        int[] widths = knob.bitWidths();
        int want = 0;
        for (String name : knob.layers()) {
          LayerChoice c = target.choice(name);
          want = Math.max(want, c.bits() == 0 ? Integer.MAX_VALUE : c.bits());
        }
        int level = widths.length - 1;
        for (int i = 0; i < widths.length; i++) {
          if (widths[i] >= want) {
            level = i;
            break;
          }
        }
        theta[k] = level;
        continue;
      }
      if (space.parametrization() == Parametrization.PRUNE) {
        double f = knob.upper();
        for (String name : knob.layers()) {
          LayerChoice c = target.choice(name);
          double given = c.method() == Method.PRUNE && c.entry() != null
              ? c.entry().fraction() : 0;
          f = Math.min(f, given);
        }
        theta[k] = Math.max(knob.lower(), f);
        continue;
      }
      double[] values = space.values(k);
      int lo = 0;
      int hi = values.length - 1; // the upper bound is dense: it covers every plan
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        theta[k] = values[mid];
        if (covers(space.resolve(theta), target, knob)) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      theta[k] = values[lo];
    }
    return theta;
  }

  /** True if every layer of the knob keeps at least the target's ranks (dense keeps all). */
  private static boolean covers(ResolvedPlan have, ResolvedPlan want, SearchSpace.Knob knob) {
    for (String name : knob.layers()) {
      LayerChoice h = have.choice(name);
      LayerChoice w = want.choice(name);
      if (h.method() == null) {
        continue;
      }
      if (w.method() == null || w.method() != h.method()) {
        return false;
      }
      if (h.method() == Method.SVD && h.rank() < w.rank()) {
        return false;
      }
      if (h.method() == Method.TUCKER2 && (h.rankIn() < w.rankIn() || h.rankOut() < w.rankOut())) {
        return false;
      }
    }
    return true;
  }
}

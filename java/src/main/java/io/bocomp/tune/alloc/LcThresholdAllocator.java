package io.bocomp.tune.alloc;

import io.bocomp.tune.CostMetric;
import java.util.ArrayList;
import java.util.List;

/**
 * The LC algorithm's rank selection as one C-step (Idelbayev and Carreira-Perpinan, "Low-rank
 * compression of neural nets: learning the rank of each layer", CVPR 2020, eq. 5): each dimension
 * takes the plan minimizing err2 + lambda cost, err2 the squared relative error of its weights
 * (||W - W_r||_F^2 / ||W||_F^2, summed over a group's layers; for Tucker-2, HOSVD's bound: the two
 * modes' discarded energy fractions added) and cost the plan's cost in the budget's metric
 * (parameters, MACs, or bytes, which count 4 per parameter); one lambda for all, the smallest whose
 * plan meets the budget (exactly: every breakpoint of the per-dimension minimizers is tried,
 * {@link ThresholdFamily}).
 *
 * <p>For an SVD layer the minimizer over its ranks is the rule: keep sigma_i while
 * sigma_i^2 / ||W||_F^2 &gt; lambda c, c the cost of one rank (in + out parameters, or that times
 * the layer's output positions in MACs), because the costs are linear in the rank and the sigma_i
 * decrease. In general the minimizers for lambda &gt;= 0 are the vertices of the lower convex hull of
 * the ladder's (cost, err2) points; lambda's breakpoints are the slopes between them. Ties go to
 * the larger plan.
 */
public final class LcThresholdAllocator extends ThresholdAllocator {
  public LcThresholdAllocator() {
    super("lc", "lambda");
  }

  @Override
  Row row(Ladder l, AllocationProblem p, List<String> notes) {
    List<Integer> hull = hull(l, p.metric());
    double[] a = new double[hull.size()];
    int[] o = new int[hull.size()];
    a[0] = Double.NEGATIVE_INFINITY;
    o[0] = hull.get(0);
    for (int j = 1; j < hull.size(); j++) {
      int u = hull.get(j - 1);
      int v = hull.get(j);
      double lambda = (l.err2[u] - l.err2[v]) / (l.cost(v, p.metric()) - l.cost(u, p.metric()));
      a[j] = -lambda; // s = -lambda: v beats u once lambda <= this slope
      o[j] = v;
    }
    return new Row(ThresholdFamily.monotone(a), o);
  }

  @Override
  double parameter(ThresholdFamily.Result r, List<Ladder> ladders) {
    return Double.isFinite(r.s()) ? -r.s() : Double.NaN;
  }

  /**
   * The options that minimize err2 + lambda cost for some lambda &gt;= 0, in ascending cost: the
   * lower convex hull of (cost, err2), from the cheapest point (least err2 among equals) to the
   * point of least err2 (cheapest among equals).
   */
  static List<Integer> hull(Ladder l, CostMetric metric) {
    Integer[] idx = new Integer[l.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (x, y) -> {
      int c = Double.compare(l.cost(x, metric), l.cost(y, metric));
      return c != 0 ? c : Double.compare(l.err2[x], l.err2[y]);
    });
    List<Integer> h = new ArrayList<>();
    for (int i : idx) {
      if (!h.isEmpty()) {
        int last = h.get(h.size() - 1);
        if (l.err2[i] >= l.err2[last]) {
          continue; // costs at least as much and keeps no more: never a minimizer
        }
      }
      while (h.size() >= 2) {
        int a = h.get(h.size() - 2);
        int b = h.get(h.size() - 1);
        // drop b when the slope a->b is not below b->i (b above the segment a-i)
        double lhs = (l.err2[b] - l.err2[a]) * (l.cost(i, metric) - l.cost(b, metric));
        double rhs = (l.err2[i] - l.err2[b]) * (l.cost(b, metric) - l.cost(a, metric));
        if (lhs >= rhs) {
          h.remove(h.size() - 1);
        } else {
          break;
        }
      }
      h.add(i);
    }
    return h;
  }
}

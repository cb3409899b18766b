package io.bocomp.tune.alloc;

import java.util.List;
import java.util.Locale;

/**
 * EVBMF ranks scaled to the budget: each slot (an SVD layer's matrix, each channel unfolding of a
 * Tucker-2 layer, as Kim et al. 2016 select Tucker-2 ranks) gets its analytic empirical VBMF rank
 * r* ({@link Evbmf}); one multiplier m, the largest whose plan meets the budget (exactly, over the
 * values where a rank changes: {@link ThresholdFamily}), sets every dimension to its smallest plan
 * whose ranks are at least m r* in every slot (r* = 0 asks for nothing: that dimension stays at its
 * strongest setting). VBMF alone ignores the budget; the multiplier is what makes it meet one.
 *
 * <p>The EVBMF ranks are in the allocation's notes. Limits: ranks only where the space expresses
 * them: under rank fractions a Tucker-2 layer's two ranks move together, so the larger of its two
 * scaled EVBMF ranks (relative to its channels) decides.
 */
public final class EvbmfAllocator extends ThresholdAllocator {
  public EvbmfAllocator() {
    super("evbmf", "multiplier");
  }

  @Override
  Row row(Ladder l, AllocationProblem p, List<String> notes) {
    int[] target = new int[l.slots.size()];
    for (int j = 0; j < target.length; j++) {
      Ladder.Slot s = l.slots.get(j);
      target[j] = Evbmf.of(s.rows(), s.cols(), s.sigma(), s.total()).rank();
      notes.add(String.format(Locale.ROOT, "%s: EVBMF rank %d of %d", s.name(), target[j],
          s.full()));
    }
    double[] a = new double[l.size()];
    for (int i = 1; i < a.length; i++) {
      // option i is needed once m r* exceeds option i-1's rank in some slot
      double need = Double.POSITIVE_INFINITY;
      for (int j = 0; j < target.length; j++) {
        if (target[j] > 0) {
          need = Math.min(need, (double) l.ranks[i - 1][j] / target[j]);
        }
      }
      a[i] = Double.isFinite(need) ? Math.nextUp(need) : Double.POSITIVE_INFINITY;
    }
    return Row.everyOption(a);
  }

  @Override
  double parameter(ThresholdFamily.Result r, List<Ladder> ladders) {
    return Double.isFinite(r.s()) ? r.s() : 0;
  }
}

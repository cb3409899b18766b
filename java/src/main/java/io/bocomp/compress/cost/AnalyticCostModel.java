package io.bocomp.compress.cost;

import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.compress.cost.CostReport.LayerCost;
import java.util.ArrayList;
import java.util.List;

/** Shared shape of the per-layer analytic cost models: a layer formula plus an "other" term. */
abstract class AnalyticCostModel implements CostModel {

  /** The layer's cost under a choice. */
  abstract long layer(LayerChoice c);

  /** The layer's original cost. */
  abstract long original(CompressibleLayer l);

  /** Cost outside the layers, after the plan. */
  abstract long other(ResolvedPlan p);

  /** Cost outside the layers in the original model. */
  abstract long originalOther(ResolvedPlan p);

  @Override
  public final CostReport evaluate(ResolvedPlan plan) {
    List<LayerCost> rows = new ArrayList<>(plan.choices().size() + 1);
    long orig = originalOther(plan);
    long comp = other(plan);
    for (LayerChoice c : plan.choices()) {
      long o = original(c.layer());
      long n = layer(c);
      rows.add(new LayerCost(c.name(), o, n));
      orig += o;
      comp += n;
    }
    rows.add(new LayerCost(CostReport.OTHER, originalOther(plan), other(plan)));
    return new CostReport(metric(), rows, orig, comp);
  }

  @Override
  public final double total(ResolvedPlan plan) {
    long t = other(plan);
    for (LayerChoice c : plan.choices()) {
      t += layer(c);
    }
    return t;
  }
}

package io.bocomp.compress.cost;

import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.ResolvedPlan;

/** Multiply-accumulates of a plan ({@link AnalyticCost#macs}; equals {@link GraphCost#macs}). */
public final class MacCost extends AnalyticCostModel {
  @Override
  public String metric() {
    return "macs";
  }

  @Override
  long layer(LayerChoice c) {
    return AnalyticCost.macs(c);
  }

  @Override
  long original(CompressibleLayer l) {
    return l.denseMacs(l.outputs(), l.inputs());
  }

  @Override
  long other(ResolvedPlan p) {
    return p.model().otherMacs();
  }

  @Override
  long originalOther(ResolvedPlan p) {
    return p.model().otherMacs();
  }
}

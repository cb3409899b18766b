package io.bocomp.compress.cost;

import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.ResolvedPlan;

/** Parameter count of a plan ({@link AnalyticCost#params}; equals {@link GraphCost#params}). */
public final class ParamCost extends AnalyticCostModel {
  @Override
  public String metric() {
    return "params";
  }

  @Override
  long layer(LayerChoice c) {
    return AnalyticCost.params(c);
  }

  @Override
  long original(CompressibleLayer l) {
    return l.weightNonZeros() + l.biasParams();
  }

  @Override
  long other(ResolvedPlan p) {
    return AnalyticCost.otherParams(p);
  }

  @Override
  long originalOther(ResolvedPlan p) {
    return p.model().otherParams();
  }
}

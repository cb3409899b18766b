package io.bocomp.tune;

import io.bocomp.compress.ResolvedPlan;
import io.bocomp.compress.cost.AnalyticCost;

/**
 * The costs of one model (original or compressed): parameters, MACs and weight bytes in closed form
 * ({@link AnalyticCost}, equal to what {@code inspect} counts on the graph), and the measured
 * latency in milliseconds when the run measures it (NaN otherwise).
 */
public record PlanCost(long params, long macs, long bytes, double latencyMs) {

  /** The analytic costs of a resolved plan, without latency. */
  public static PlanCost analytic(ResolvedPlan plan) {
    return new PlanCost(AnalyticCost.totalParams(plan), AnalyticCost.totalMacs(plan),
        AnalyticCost.totalBytes(plan), Double.NaN);
  }

  /** The analytic costs of the model the factors belong to, uncompressed (the empty plan). */
  public static PlanCost original(io.bocomp.compress.ModelFactors factors) {
    return analytic(io.bocomp.compress.CompressionPlan.of(java.util.List.of())
        .resolve(factors, io.bocomp.compress.ApplyOptions.defaults()));
  }

  /** This cost with a measured latency. */
  public PlanCost withLatency(double ms) {
    return new PlanCost(params, macs, bytes, ms);
  }

  /** The value of one metric (latency NaN when not measured). */
  public double value(CostMetric m) {
    switch (m) {
      case PARAMS:
        return params;
      case MACS:
        return macs;
      case BYTES:
        return bytes;
      default:
        return latencyMs;
    }
  }

  /** value(m) / original.value(m). */
  public double fraction(CostMetric m, PlanCost original) {
    return value(m) / original.value(m);
  }
}

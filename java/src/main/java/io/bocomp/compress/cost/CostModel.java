package io.bocomp.compress.cost;

import io.bocomp.compress.ResolvedPlan;

/**
 * A cost of a compressed model (the R of constraint-aware compression): parameters, MACs, bytes or
 * measured latency. Analytic models compute from layer shapes and ranks and never build a graph, so
 * the tuner can cost thousands of candidate plans; {@link LatencyCost} builds and runs the graph.
 */
public interface CostModel {

  /** What is counted: "params", "macs", "bytes", "latency_ms". */
  String metric();

  /** Original and compressed cost per layer and in total. */
  CostReport evaluate(ResolvedPlan plan);

  /** The compressed model's total; analytic models compute it without allocating a report. */
  default double total(ResolvedPlan plan) {
    return evaluate(plan).compressed();
  }
}

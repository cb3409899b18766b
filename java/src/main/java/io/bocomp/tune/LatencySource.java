package io.bocomp.tune;

import io.bocomp.engine.Backend;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;

/**
 * Where a run's latencies come from: milliseconds of one forward pass of a whole graph on one
 * input batch. The product uses the wall clock ({@link LatencyMeter#WALL_CLOCK}); tests inject a
 * deterministic source so that a latency-constrained run is repeatable (timing belongs in
 * benchmarks, not in tests).
 */
interface LatencySource {
  /** Milliseconds of one forward pass of {@code g}, after the source's usual warm-up. */
  default double measure(Graph g) {
    return measure(g, LatencyMeter.WARMUP_NANOS);
  }

  /**
   * As {@link #measure(Graph)} after at least {@code warmupNanos} of untimed running (the first
   * measurement of a process warms the JIT up for longer).
   */
  double measure(Graph g, long warmupNanos);

  /** Builds the source of one run. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param backend the run's backend
     * @param opset the model's default-domain opset
     * @param batch the input batch every measurement runs
     * @param warmup least untimed passes before the timed ones
     * @param runs timed passes (the median is reported)
     */
    LatencySource create(Backend backend, long opset, Tensor batch, int warmup, int runs);
  }
}

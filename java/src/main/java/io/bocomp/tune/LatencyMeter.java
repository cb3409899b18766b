package io.bocomp.tune;

import io.bocomp.engine.Backend;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Measured latency of a whole graph on the run's backend: the median of {@code runs} timed forward
 * passes of one input batch after at least {@code warmup} untimed ones and at least
 * {@link #WARMUP_NANOS} of untimed running; the first measurement of a process (the original
 * model's, which fixes the budget's fraction) warms up for {@link #COLD_WARMUP_NANOS}: with a cold
 * JIT the default model measured 6.0 ms after 150 ms of warm-up, 2.0 ms once warm. Wall-clock and
 * therefore noisy on a shared machine; the median and the warm-up keep single outliers out.
 */
final class LatencyMeter implements LatencySource {
  /** Least untimed running before the timed passes. */
  static final long WARMUP_NANOS = 150_000_000L;
  /** Least untimed running before the first measurement (JIT compilation of the kernels). */
  static final long COLD_WARMUP_NANOS = 2_000_000_000L;

  private final Backend backend;
  private final long opset;
  private final Tensor input;
  private final int warmup;
  private final int runs;

  LatencyMeter(Backend backend, long opset, Tensor input, int warmup, int runs) {
    this.backend = backend;
    this.opset = opset;
    this.input = input;
    this.warmup = Math.max(0, warmup);
    this.runs = Math.max(1, runs);
  }

  /** The wall-clock meter of a run: one per backend, batch and the run's warm-up and runs. */
  static final LatencySource.Factory WALL_CLOCK = (b, opset, batch, warmup, runs) ->
      new LatencyMeter(b, opset, batch, warmup, runs);

  @Override
  public double measure(Graph g, long warmupNanos) {
    try (Executable exe = backend.compile(g, opset)) {
      Map<String, Tensor> feeds = Map.of(g.inputs().get(0).name(), input);
      List<String> out = List.of(g.outputs().get(0).name());
      long start = System.nanoTime();
      for (int i = 0; i < warmup || System.nanoTime() - start < warmupNanos; i++) {
        exe.run(feeds, out);
      }
      double[] t = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        exe.run(feeds, out);
        t[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(t);
      return runs % 2 == 1 ? t[runs / 2] : 0.5 * (t[runs / 2 - 1] + t[runs / 2]);
    }
  }
}

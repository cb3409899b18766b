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
 * passes of one input batch after {@code warmup} untimed ones. Wall-clock and therefore noisy on a
 * shared machine; the median and the warm-up keep single outliers out.
 */
final class LatencyMeter {
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

  /** Median milliseconds of one forward pass of {@code g}. */
  double measure(Graph g) {
    try (Executable exe = backend.compile(g, opset)) {
      Map<String, Tensor> feeds = Map.of(g.inputs().get(0).name(), input);
      List<String> out = List.of(g.outputs().get(0).name());
      for (int i = 0; i < warmup; i++) {
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

package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.compress.cost.GraphCost;
import io.bocomp.engine.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A latency budget is refused only when every round of reachability probes finds it out of reach:
 * one slow round (an early wall-clock reading far off) does not refuse a budget the plans meet.
 * Latencies come from a deterministic source (milliseconds proportional to MACs), with the first
 * round of probes read far too slow.
 */
class LatencyReachabilityTest {
  private static final int PROBES = 4;

  @TempDir Path dir;

  /** MACs-proportional latencies; measurements 2 .. 1+slowProbes (after the original's) 1 s. */
  private static LatencySource.Factory slowAtFirst(int slowProbes, AtomicInteger timed) {
    return (b, opset, input, warmup, runs) -> (g, warmupNanos) -> {
      int k = timed.incrementAndGet();
      double ms = 1e-6 * input.dim(0) * GraphCost.macs(g, opset);
      return k >= 2 && k <= 1 + slowProbes ? 1000 : ms;
    };
  }

  private RunConfig config(double ms) {
    return RunConfig.builder().budget(new Budget(CostMetric.LATENCY_MS, ms)).trials(4)
        .samples(8).mode(RunConfig.Mode.CONSTRAINED).cooling("none").initialDesign(2)
        .latency(2, 0, 1).allocatorStart(false).build();
  }

  private double originalMs() {
    var model = io.bocomp.ModelLoader.loadDefault();
    return 1e-6 * 2 * GraphCost.macs(model.graph(), model.opset());
  }

  @Test
  void oneSlowRoundOfProbesDoesNotRefuseAReachableBudget() {
    AtomicInteger timed = new AtomicInteger();
    // 0.8 x the original: reachable (the strongest plans cut the MACs far more), but not by
    // probes read at a second each
    try (Tuner t = Tuner.prepare(DefaultModelRuns.unlabeledInputs(50), config(0.8 * originalMs()),
        new CpuBackend(), dir.resolve("run"), false, "test", slowAtFirst(PROBES, timed))) {
      assertThat(t.nothingToDo()).isNull();
    }
    assertThat(timed.get()).as("the original and two rounds of probes")
        .isGreaterThanOrEqualTo(1 + 2 * PROBES);
  }

  @Test
  void aBudgetNoRoundReachesIsRefusedAfterEveryRound() {
    AtomicInteger timed = new AtomicInteger();
    assertThatThrownBy(() -> Tuner.prepare(DefaultModelRuns.unlabeledInputs(50),
        config(1e-4 * originalMs()), new CpuBackend(), dir.resolve("run"), false, "test",
        slowAtFirst(0, timed)).close())
        .isInstanceOf(InfeasibleBudgetException.class)
        .hasMessageContaining("measured " + StageChecks.LATENCY_ROUNDS + " times");
    assertThat(timed.get()).isEqualTo(1 + StageChecks.LATENCY_ROUNDS * PROBES);
  }
}

package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.compress.cost.CostReport;
import io.bocomp.compress.cost.LatencyCost;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Graph;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The measured cost model's shape (values are timings, so nothing is asserted about speed). */
class LatencyCostTest {
  @Test
  void measuresEveryLayerAndTheWholeModelAndReusesTheOriginalMeasurement() {
    Graph g = Nets.plain(31);
    ModelFactors f = new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), null)
        .compute(CompressibleModel.of(g, 17));
    try (CpuBackend cpu = new CpuBackend()) {
      LatencyCost latency = new LatencyCost(cpu, f, ApplyOptions.defaults(),
          Reference.gaussian(1, 2, 3, 10, 10), 1, 3);
      assertThat(latency.metric()).isEqualTo("latency_ms");
      ResolvedPlan p1 = CompressionPlan.of(List.of(PlanEntry.tucker2("conv2", 2, 3),
          PlanEntry.svdRank("fc1", 2))).resolve(f, ApplyOptions.defaults());
      CostReport a = latency.evaluate(p1);
      assertThat(a.layers()).extracting(CostReport.LayerCost::layer)
          .containsExactly("conv1", "conv2", "conv3", "fc1", "fc2", CostReport.OTHER);
      for (CostReport.LayerCost c : a.layers().subList(0, 5)) {
        assertThat(c.original()).as(c.layer()).isPositive();
        assertThat(c.compressed()).as(c.layer()).isPositive();
      }
      assertThat(a.original()).isPositive();
      assertThat(a.compressed()).isPositive();
      ResolvedPlan p2 = CompressionPlan.of(List.of(PlanEntry.prune("conv1", 0.5)))
          .resolve(f, ApplyOptions.defaults());
      CostReport b = latency.evaluate(p2);
      assertThat(b.original()).as("the original is measured once").isEqualTo(a.original());
      assertThat(b.layer("conv2").original()).isEqualTo(a.layer("conv2").original());
    }
  }
}

package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.compress.cost.CostModel;
import io.bocomp.compress.cost.CostReport;
import io.bocomp.compress.cost.DiskBytesCost;
import io.bocomp.compress.cost.GraphCost;
import io.bocomp.compress.cost.MacCost;
import io.bocomp.compress.cost.ParamCost;
import io.bocomp.engine.cpu.CpuDecompositions;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerAnalysisTest {
  private static final CompressibleModel MODEL = CompressibleModel.of(Nets.mixed(3), 17);
  private static final ModelFactors FACTORS = new FactorCache(new CpuDecompositions(),
      FactorCache.Settings.defaults(), null).compute(MODEL);

  @Test
  void describesEveryLayerWithShapesCostsMethodsAndEnergyRanks() {
    List<LayerAnalysis.Row> rows = LayerAnalysis.rows(MODEL, FACTORS);
    assertThat(rows).extracting(LayerAnalysis.Row::name)
        .containsExactly("conv1", "dw", "conv2", "conv3", "conv4", "conv5", "mm1", "mm2");
    LayerAnalysis.Row conv5 = rows.get(5);
    assertThat(conv5.weightShape()).containsExactly(10, 12, 3, 3);
    assertThat(conv5.params()).isEqualTo(10 * 12 * 9 + 10);
    assertThat(conv5.macs()).isEqualTo(10L * 12 * 9 * 4 * 4); // stride 2 on 8x8
    assertThat(conv5.methods()).containsExactly(Method.TUCKER2, Method.PRUNE, Method.FILTER_PRUNE,
        Method.QUANTIZE);
    assertThat(conv5.energyRanks()).hasSize(3);
    for (int i = 1; i < 3; i++) {
      assertThat(conv5.energyRanks().get(i).rankIn())
          .isGreaterThanOrEqualTo(conv5.energyRanks().get(i - 1).rankIn());
    }
    LayerAnalysis.Row mm1 = rows.get(6);
    assertThat(mm1.energyRanks().get(2).rank()).isBetween(1, 12);
    assertThat(rows.get(1).op()).isEqualTo("Conv (group 8)");
    assertThat(rows.get(1).methods()).containsExactly(Method.PRUNE, Method.QUANTIZE);
    String table = LayerAnalysis.format(MODEL, rows);
    assertThat(table).contains("conv5").contains("tucker2,prune,filter_prune");
    assertThat(LayerAnalysis.rows(MODEL, null).get(0).energyRanks()).isEmpty();
  }

  @Test
  void modelTotalsEqualTheGraphCountsAndReportsAddUp() {
    assertThat(MODEL.params()).isEqualTo(GraphCost.params(MODEL.graph()));
    assertThat(MODEL.macs()).isEqualTo(GraphCost.macs(MODEL.graph(), 17));
    ResolvedPlan p = CompressionPlan.of(List.of(PlanEntry.tucker2("conv4", 2, 3),
        PlanEntry.filterPrune("conv5", 0.5), PlanEntry.prune("mm2", 0.5)))
        .resolve(FACTORS, ApplyOptions.defaults());
    for (CostModel model : List.<CostModel>of(new ParamCost(), new MacCost(), new DiskBytesCost())) {
      CostReport r = model.evaluate(p);
      double orig = 0;
      double comp = 0;
      for (CostReport.LayerCost c : r.layers()) {
        orig += c.original();
        comp += c.compressed();
      }
      assertThat(r.original()).as(model.metric()).isEqualTo(orig);
      assertThat(r.compressed()).as(model.metric()).isEqualTo(comp);
      assertThat(model.total(p)).isEqualTo(r.compressed());
      assertThat(r.fraction()).isLessThan(1);
      assertThat(r.layer("conv2").fraction()).isEqualTo(1.0);
    }
    CostReport params = new ParamCost().evaluate(p);
    assertThat(params.original()).isEqualTo(MODEL.params());
    assertThat(params.layer("conv4").compressed()).isEqualTo(2 * 8 + 3 * 2 * 9 + 6 * 3 + 6);
    // mm2 is 12x5 = 60 weights, 30 zeroed; its bias lives in the separate Add, under "other".
    assertThat(params.layer("mm2").compressed()).isEqualTo(30);
    // conv5 keeps 5 of 10 filters: its Add constant loses 5 entries, mm1 loses half its inputs.
    assertThat(params.layer(CostReport.OTHER).original() - params.layer(CostReport.OTHER).compressed())
        .isEqualTo(5);
    assertThat(params.layer("mm1").compressed()).isEqualTo(40 / 2 * 12); // 10 channels x 2x2 features, half kept
  }
}

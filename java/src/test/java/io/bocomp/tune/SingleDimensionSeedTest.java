package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.ModelLoader;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.engine.cpu.CpuDecompositions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The design's single-dimension seeds on the default model: each compresses exactly one dimension,
 * meets the budget, and is the least cut of that dimension that does (the next value of its ladder
 * misses the budget); none when no dimension reaches the budget alone, none for pruning.
 */
class SingleDimensionSeedTest {
  private static ModelFactors factors;

  @BeforeAll
  static void load() {
    factors = FactorCache.withDefaults(new CpuDecompositions())
        .load(CompressibleModel.of(ModelLoader.loadDefault()), null);
  }

  private static SearchSpace space(Parametrization p) {
    MethodChoice m = p == Parametrization.PRUNE ? MethodChoice.PRUNE : MethodChoice.AUTO;
    return SearchSpace.build(factors, new SearchSpace.Options(m, p, List.of(),
        List.of(), Map.of(), List.of(), List.of(), 0.99, CostMetric.PARAMS, 0));
  }

  @Test
  void eachSeedIsTheLeastCutOfOneDimensionThatMeetsTheBudget() {
    SearchSpace s = space(Parametrization.RANK);
    PlanCost original = PlanCost.original(factors);
    double budget = 0.8;
    List<InitialDesign.Seed> seeds =
        InitialDesign.singleDimensionSeeds(s, CostMetric.PARAMS, budget);
    assertThat(seeds).isNotEmpty().hasSizeLessThanOrEqualTo(InitialDesign.MAX_SINGLE_SEEDS);
    for (InitialDesign.Seed seed : seeds) {
      double[] t = seed.theta();
      int cut = -1;
      for (int k = 0; k < t.length; k++) {
        if (t[k] != s.knobs().get(k).upper()) {
          assertThat(cut).as("%s compresses one dimension", seed.phase()).isEqualTo(-1);
          cut = k;
        }
      }
      assertThat(cut).as(seed.phase()).isNotNegative();
      assertThat(seed.phase()).isEqualTo("single:" + s.knobs().get(cut).name());
      ResolvedPlan plan = s.resolve(t);
      assertThat(PlanCost.analytic(plan).fraction(CostMetric.PARAMS, original))
          .isLessThanOrEqualTo(budget);
      double[] values = s.values(cut);
      int at = java.util.Arrays.binarySearch(values, t[cut]);
      assertThat(at).as("the seed's value is on the ladder").isNotNegative();
      if (at + 1 < values.length) {
        double[] next = t.clone();
        next[cut] = values[at + 1];
        assertThat(PlanCost.analytic(s.resolve(next)).fraction(CostMetric.PARAMS, original))
            .as("the next, weaker cut of %s", seed.phase()).isGreaterThan(budget);
      }
    }
  }

  @Test
  void noSeedWhenNoDimensionReachesTheBudgetAloneOrForPruning() {
    SearchSpace s = space(Parametrization.RANK);
    PlanCost original = PlanCost.original(factors);
    // the least any one dimension reaches alone: its strongest cut, every other layer dense
    double floor = Double.MAX_VALUE;
    for (int k = 0; k < s.dimension(); k++) {
      double[] t = new double[s.dimension()];
      for (int j = 0; j < t.length; j++) {
        t[j] = j == k ? s.knobs().get(j).lower() : s.knobs().get(j).upper();
      }
      floor = Math.min(floor, PlanCost.analytic(s.resolve(t)).fraction(CostMetric.PARAMS,
          original));
    }
    assertThat(InitialDesign.singleDimensionSeeds(s, CostMetric.PARAMS, 0.99 * floor)).isEmpty();
    assertThat(InitialDesign.singleDimensionSeeds(s, CostMetric.PARAMS, floor)).hasSize(1);
    SearchSpace pruning = space(Parametrization.PRUNE);
    assertThat(pruning.parametrization()).isEqualTo(Parametrization.PRUNE);
    assertThat(InitialDesign.singleDimensionSeeds(pruning, CostMetric.PARAMS, 0.8)).isEmpty();
  }
}

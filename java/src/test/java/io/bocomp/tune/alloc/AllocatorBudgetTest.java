package io.bocomp.tune.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.compress.CompressibleModel;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.testing.MnistNets;
import io.bocomp.testing.DefaultModelFactors;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.MethodChoice;
import io.bocomp.tune.PlanCost;
import io.bocomp.tune.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every allocator meets every budget type exactly, on the default model and on a small CNN: its
 * plan costs at most the budget (by the full resolve, the tuner's cost model), and the next larger
 * plan of its rule (the next value of its threshold) costs more than the budget.
 */
class AllocatorBudgetTest {
  private static SearchSpace defaultSpace;
  private static SearchSpace cnnSpace;

  @BeforeAll
  static void load() {
    ModelFactors d = DefaultModelFactors.load();
    defaultSpace = SearchSpace.build(d, SearchSpace.Options.of(MethodChoice.AUTO));
    ModelFactors c = new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), null)
        .compute(CompressibleModel.of(MnistNets.smallCnn(3, false, false), 17));
    cnnSpace = SearchSpace.build(c, SearchSpace.Options.of(MethodChoice.AUTO));
  }

  static Stream<Arguments> budgets() {
    List<Arguments> out = new ArrayList<>();
    for (String model : new String[] {"default", "small-cnn"}) {
      out.add(Arguments.of(model, CostMetric.PARAMS, 0.25));
      out.add(Arguments.of(model, CostMetric.MACS, 0.5));
      out.add(Arguments.of(model, CostMetric.BYTES, 0.3));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("budgets")
  void everyOneShotAllocatorMeetsTheBudgetAndItsNextPlanDoesNot(String model, CostMetric metric,
      double budget) {
    SearchSpace space = model.equals("default") ? defaultSpace : cnnSpace;
    AllocationProblem p = AllocationProblem.of(space, metric, budget);
    PlanCost original = PlanCost.original(space.factors());
    List<String> names = new ArrayList<>();
    for (Allocator a : Allocators.oneShot()) {
      Allocation r = a.allocate(p);
      names.add(r.allocator());
      double resolved = PlanCost.analytic(space.resolve(r.theta())).fraction(metric, original);
      assertThat(r.fraction()).as(a.name()).isEqualTo(resolved).isLessThanOrEqualTo(budget);
      assertThat(r.nextFraction()).as(a.name() + ": the next plan of the rule").isGreaterThan(budget);
      assertThat(r.plan().entries()).isEqualTo(space.plan(r.theta()).entries());
      assertThat(r.evaluations()).isZero();
      assertThat(space.plan(space.theta(r.plan())).entries())
          .as(a.name() + ": plan -> theta -> plan").isEqualTo(r.plan().entries());
    }
    assertThat(names).containsExactly("uniform", "energy", "alds", "evbmf", "lc");
  }

  @Test
  void theSpectralRulesBeatUniformAllocationOfTheDefaultModelsRanks() {
    // At 25% of the parameters the uniform plan cuts every convolution to 19% of its ranks; each
    // spectral rule spends more of the budget on the convolutions (they are cheap in parameters).
    AllocationProblem p = AllocationProblem.of(defaultSpace, CostMetric.PARAMS, 0.25);
    int conv = -1;
    for (int k = 0; k < defaultSpace.dimension(); k++) {
      if (defaultSpace.knobs().get(k).name().equals("/features/features.3/Conv")) {
        conv = k;
      }
    }
    double[] uniform = new UniformAllocator().allocate(p).theta();
    for (Allocator a : Allocators.spectral()) {
      double[] t = a.allocate(p).theta();
      assertThat(t[conv]).as(a.name() + ": the 32 -> 32 convolution").isGreaterThan(uniform[conv]);
    }
  }

  @Test
  void randomSearchKeepsTheBestOfItsFeasibleDraws() {
    AllocationProblem p = AllocationProblem.of(cnnSpace, CostMetric.PARAMS, 0.3);
    List<double[]> seen = new ArrayList<>();
    // a deterministic stand-in for L: the distance of theta from a corner of the box
    RandomFeasibleAllocator random = new RandomFeasibleAllocator(12, 7, t -> {
      seen.add(t.clone());
      double s = 0;
      for (double v : t) {
        s += (1 - v) * (1 - v);
      }
      return s;
    });
    Allocation r = random.allocate(p);
    assertThat(seen).hasSize(12);
    assertThat(r.evaluations()).isEqualTo(12);
    double best = Double.POSITIVE_INFINITY;
    for (double[] t : seen) {
      assertThat(p.fraction(t)).isLessThanOrEqualTo(0.3);
      double s = 0;
      for (double v : t) {
        s += (1 - v) * (1 - v);
      }
      best = Math.min(best, s);
    }
    double chosen = 0;
    for (double v : r.theta()) {
      chosen += (1 - v) * (1 - v);
    }
    assertThat(chosen).isEqualTo(best);
  }
}

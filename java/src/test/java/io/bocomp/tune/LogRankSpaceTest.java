package io.bocomp.tune;

import static io.bocomp.testing.DefaultModelFactors.FC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import io.bocomp.testing.DefaultModelFactors;
import io.bocomp.tune.alloc.UniformAllocator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The log-rank parametrization on the default model: the geometric map, its inverse, budgets. */
class LogRankSpaceTest {
  private static ModelFactors factors;

  @BeforeAll
  static void load() {
    factors = DefaultModelFactors.load();
  }

  private static SearchSpace space(Parametrization kind, Map<String, Double> freeze) {
    return SearchSpace.build(factors, new SearchSpace.Options(MethodChoice.AUTO, kind, List.of(),
        List.of(), freeze.entrySet().stream().collect(java.util.stream.Collectors.toMap(
            e -> LayerPattern.of(e.getKey()), Map.Entry::getValue)), List.of(), List.of(), 0.99,
        CostMetric.PARAMS, 0));
  }

  private static PlanEntry entry(SearchSpace s, double[] theta, String name) {
    return s.plan(theta).entries().stream().filter(e -> e.name().equals(name)).findFirst()
        .orElseThrow();
  }

  @Test
  void boundsAreTheLogsOfTheRankBoundsAndTheUnitIntervalMapsGeometrically() {
    SearchSpace rank = space(Parametrization.RANK, Map.of());
    SearchSpace log = space(Parametrization.LOGRANK, Map.of());
    assertThat(log.dimension()).isEqualTo(rank.dimension());
    for (int k = 0; k < log.dimension(); k++) {
      SearchSpace.Knob r = rank.knobs().get(k);
      SearchSpace.Knob l = log.knobs().get(k);
      assertThat(l.layers()).isEqualTo(r.layers());
      assertThat(l.lower()).isCloseTo(Math.log(r.lower()), within(1e-12));
      assertThat(l.upper()).isCloseTo(Math.log(r.upper()), within(1e-12));
    }
    int fc2 = -1;
    for (int k = 0; k < log.dimension(); k++) {
      if (log.knobs().get(k).name().equals(FC2)) {
        fc2 = k;
      }
    }
    SearchSpace.Knob r = rank.knobs().get(fc2);
    int full = (int) Math.round(1 / r.lower()); // the rank fraction's lower bound is 1 / full rank
    int max = factors.of(FC2).orElseThrow().maxRank();
    assertThat(r.lower()).isCloseTo(1.0 / full, within(1e-15));
    for (double u : new double[] {0, 0.1, 0.25, 0.5, 0.75, 1}) {
      double[] unit = new double[log.dimension()];
      java.util.Arrays.fill(unit, 1);
      unit[fc2] = u;
      double f = r.lower() * Math.pow(r.upper() / r.lower(), u); // f_min (f_max / f_min)^u
      int expected = Math.min(max, Math.max(1, (int) Math.ceil(f * full - 1e-9)));
      assertThat(entry(log, log.fromUnit(unit), FC2).rank()).as("u=%s", u).isEqualTo(expected);
    }
    assertThat(entry(log, log.fromUnit(new double[log.dimension()]), FC2).rank()).isEqualTo(1);
    // half the unit interval of the log scale is ranks 1 .. ~sqrt(r_max): the bottom tenth of the
    // linear scale's range takes only a tenth of its box
    double[] mid = new double[log.dimension()];
    java.util.Arrays.fill(mid, 1);
    mid[fc2] = 0.5;
    int atMid = entry(log, log.fromUnit(mid), FC2).rank();
    assertThat(atMid).isLessThanOrEqualTo((int) Math.ceil(Math.sqrt(r.upper() * full)) + 1);
  }

  @Test
  void sameRankAsTheRankScaleAtTheLogOfTheFractionAndTheInverseIsExact() {
    SearchSpace rank = space(Parametrization.RANK, Map.of());
    SearchSpace log = space(Parametrization.LOGRANK, Map.of());
    java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
    for (int i = 0; i < 20; i++) {
      double[] tr = new double[rank.dimension()];
      double[] tl = new double[rank.dimension()];
      for (int k = 0; k < tr.length; k++) {
        SearchSpace.Knob kn = rank.knobs().get(k);
        tr[k] = kn.lower() + rng.nextDouble() * (kn.upper() - kn.lower());
        tl[k] = Math.log(tr[k]);
      }
      assertThat(EvaluationCache.key(log.resolve(tl))).isEqualTo(EvaluationCache.key(
          rank.resolve(tr)));
      assertThat(EvaluationCache.key(log.resolve(log.theta(log.plan(tl)))))
          .isEqualTo(EvaluationCache.key(log.resolve(tl)));
    }
    for (int k = 0; k < log.dimension(); k++) {
      double[] lv = log.values(k);
      double[] rv = rank.values(k);
      assertThat(lv).hasSameSizeAs(rv); // one value per distinct plan on either scale
    }
  }

  @Test
  void theUniformPlanAtTheBudgetIsFeasibleAndTheSameAsOnTheRankScale() {
    SearchSpace rank = space(Parametrization.RANK, Map.of());
    SearchSpace log = space(Parametrization.LOGRANK, Map.of());
    PlanCost original = PlanCost.original(factors);
    for (double budget : new double[] {0.1, 0.25, 0.5}) {
      java.util.function.ToDoubleFunction<double[]> rl =
          t -> PlanCost.analytic(log.resolve(t)).fraction(CostMetric.PARAMS, original);
      java.util.function.ToDoubleFunction<double[]> rr =
          t -> PlanCost.analytic(rank.resolve(t)).fraction(CostMetric.PARAMS, original);
      double[] ul = UniformAllocator.atBudget(log, rl, budget);
      double[] ur = UniformAllocator.atBudget(rank, rr, budget);
      assertThat(rl.applyAsDouble(ul)).as("budget %s", budget).isLessThanOrEqualTo(budget);
      assertThat(EvaluationCache.key(log.resolve(ul))).isEqualTo(EvaluationCache.key(
          rank.resolve(ur)));
      // random feasible points of the log box meet the budget too
      FeasibleSampler sampler = new FeasibleSampler(log, rl, budget, 3);
      for (int t = 0; t < 5; t++) {
        assertThat(rl.applyAsDouble(sampler.random(0, t))).isLessThanOrEqualTo(budget * (1 + 1e-12));
      }
    }
  }

  @Test
  void aFrozenLayerIsGivenAsARankFraction() {
    SearchSpace log = space(Parametrization.LOGRANK, Map.of(FC2, 0.25));
    SearchSpace rank = space(Parametrization.RANK, Map.of(FC2, 0.25));
    PlanEntry fl = log.fixedEntries().get(0);
    PlanEntry fr = rank.fixedEntries().get(0);
    assertThat(fl.name()).isEqualTo(FC2);
    SearchSpace open = space(Parametrization.RANK, Map.of());
    int full = (int) Math.round(1 / open.knobs().stream().filter(k -> k.name().equals(FC2))
        .findFirst().orElseThrow().lower());
    assertThat(fl.rank()).isEqualTo(fr.rank()).isEqualTo((int) Math.ceil(0.25 * full));
    assertThat(Parametrization.fromJson("logrank")).isEqualTo(Parametrization.LOGRANK);
  }
}

package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.bocomp.testing.DefaultModelFactors.CONV3;
import static io.bocomp.testing.DefaultModelFactors.FC2;

import io.bocomp.compress.Method;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import io.bocomp.testing.DefaultModelFactors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** theta to plan on the default model: dimensions, bounds, exclusions, groups, frozen layers. */
class SearchSpaceTest {
  private static final String CONV7 = "/features/features.7/Conv";
  private static ModelFactors factors;

  @BeforeAll
  static void load() {
    factors = DefaultModelFactors.load();
  }

  private static SearchSpace.Options options(List<String> exclude, Map<String, Double> freeze,
      List<List<String>> groups, double minSaving) {
    return new SearchSpace.Options(MethodChoice.AUTO, Parametrization.RANK, List.of(),
        exclude.stream().map(LayerPattern::of).toList(),
        freeze.entrySet().stream().collect(java.util.stream.Collectors.toMap(
            e -> LayerPattern.of(e.getKey()), Map.Entry::getValue)),
        groups.stream().map(g -> g.stream().map(LayerPattern::of).toList()).toList(), List.of(),
        0.99, CostMetric.PARAMS, minSaving);
  }

  @Test
  void autoGivesTuckerToConvsAndSvdToFcLayersOneDimensionEach() {
    SearchSpace s = SearchSpace.build(factors, options(List.of(), Map.of(), List.of(), 0));
    assertThat(s.dimension()).isEqualTo(8);
    for (SearchSpace.Knob k : s.knobs()) {
      assertThat(k.methods()).containsExactly(k.name().contains("Conv") ? Method.TUCKER2
          : Method.SVD);
      assertThat(k.lower()).isPositive().isLessThan(k.upper());
      assertThat(k.upper()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void aRankFractionGivesCeiledTuckerRanksOnBothModes() {
    SearchSpace s = SearchSpace.build(factors, options(List.of(), Map.of(), List.of(), 0));
    double[] theta = s.uniform(0.3);
    PlanEntry conv7 = s.plan(theta).entries().stream().filter(e -> e.name().equals(CONV7))
        .findFirst().orElseThrow();
    // 32 input and 64 output channels: ceil(0.3 * 32) = 10, ceil(0.3 * 64) = 20
    assertThat(conv7.ranks()).containsExactly(10, 20);
    PlanEntry fc2 = s.plan(theta).entries().stream().filter(e -> e.name().equals(FC2))
        .findFirst().orElseThrow();
    assertThat(fc2.rank()).isEqualTo((int) Math.ceil(0.3 * 512));
    // the strongest theta is a valid plan and compresses more than any other
    PlanCost strongest = PlanCost.analytic(s.resolve(s.strongest()));
    PlanCost mid = PlanCost.analytic(s.resolve(theta));
    assertThat(strongest.params()).isLessThan(mid.params());
  }

  @Test
  void minSavingLeavesLayersThatCannotMoveTheBudgetDense() {
    SearchSpace s = SearchSpace.build(factors, options(List.of(), Map.of(), List.of(), 0.01));
    assertThat(s.knobs()).extracting(SearchSpace.Knob::name)
        .doesNotContain("/features/features.0/Conv", "/classifier/classifier.7/Gemm")
        .contains(CONV3, FC2).hasSize(6);
    assertThat(s.notes()).anyMatch(n -> n.startsWith("/features/features.0/Conv: left dense"));
  }

  @Test
  void excludedFrozenAndGroupedLayers() {
    SearchSpace s = SearchSpace.build(factors, options(List.of("/classifier/*"),
        Map.of(CONV3, 0.5), List.of(List.of("/features/features.10/*",
            "/features/features.14/*")), 0));
    assertThat(s.knobs()).extracting(SearchSpace.Knob::name).containsExactly(
        "/features/features.0/Conv", CONV7,
        "group:/features/features.10/*,/features/features.14/*");
    assertThat(s.knobs().get(2).layers()).containsExactly("/features/features.10/Conv",
        "/features/features.14/Conv");
    // frozen layers are in every plan at their value; excluded layers in none
    List<PlanEntry> entries = s.plan(s.uniform(0.4)).entries();
    assertThat(entries).extracting(PlanEntry::name).contains(CONV3)
        .noneMatch(n -> n.startsWith("/classifier"));
    assertThat(entries.stream().filter(e -> e.name().equals(CONV3)).findFirst().orElseThrow()
        .ranks()).containsExactly(16, 16);
    assertThat(s.notes()).anyMatch(n -> n.contains("excluded"))
        .anyMatch(n -> n.contains("frozen"));
  }

  @Test
  void badSpacesAreRefusedNamingTheLayer() {
    assertThatThrownBy(() -> SearchSpace.build(factors, options(List.of("*"), Map.of(),
        List.of(), 0))).isInstanceOf(TuneConfigException.class).hasMessageContaining("nothing to search");
    assertThatThrownBy(() -> SearchSpace.build(factors, options(List.of(), Map.of(),
        List.of(List.of("/features/*"), List.of("/features/features.3/*")), 0)))
        .isInstanceOf(TuneConfigException.class).hasMessageContaining(CONV3);
  }

  /** The network a theta resolves to (entries past a layer's break-even all resolve to dense). */
  private static String network(SearchSpace s, double[] theta) {
    return EvaluationCache.key(s.resolve(theta));
  }

  /**
   * plan -> theta -> plan is the identity on the plans a space expresses: random thetas of the rank
   * and the energy spaces (one dimension per layer, and one with a group of two convolutions), and
   * values spread over every dimension's ladder.
   */
  @Test
  void theInverseMappingReproducesEveryPlanOfTheSpace() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    for (Parametrization kind : new Parametrization[] {Parametrization.RANK,
        Parametrization.ENERGY}) {
      for (List<List<String>> groups : List.of(List.<List<String>>of(), List.of(List.of(
          "/features/features.10/*", "/features/features.14/*")))) {
        SearchSpace s = SearchSpace.build(factors, new SearchSpace.Options(MethodChoice.AUTO, kind,
            List.of(), List.of(), Map.of(), groups.stream().map(g -> g.stream()
                .map(LayerPattern::of).toList()).toList(), List.of(), 0.99, CostMetric.PARAMS, 0));
        for (int i = 0; i < 15; i++) {
          double[] u = new double[s.dimension()];
          for (int k = 0; k < u.length; k++) {
            u[k] = rng.nextDouble();
          }
          double[] t = s.fromUnit(u);
          assertThat(network(s, s.theta(s.plan(t)))).as(kind + " " + groups)
              .isEqualTo(network(s, t));
        }
        for (int k = 0; k < s.dimension(); k++) {
          double[] values = s.values(k);
          for (int j = 0; j < values.length; j += Math.max(1, values.length / 12)) {
            double[] t = s.strongest();
            t[k] = values[j];
            assertThat(network(s, s.theta(s.plan(t)))).isEqualTo(network(s, t));
          }
        }
      }
    }
  }

  /**
   * A plan the rank space cannot express (Tucker-2 ranks in another ratio than one fraction gives)
   * maps to the least plan of the space that keeps at least its ranks; a dense layer to the
   * dimension's upper bound.
   */
  @Test
  void aPlanOutsideTheSpaceMapsToTheLeastPlanCoveringIt() {
    SearchSpace s = SearchSpace.build(factors, options(List.of(), Map.of(), List.of(), 0));
    var plan = io.bocomp.compress.CompressionPlan.of(List.of(
        PlanEntry.tucker2(CONV7, 4, 40), PlanEntry.svdRank(FC2, 30)));
    double[] theta = s.theta(plan);
    var got = s.resolve(theta);
    // 32 input and 64 output channels: ranks (4, 40) need a fraction of at least 40/64, which
    // gives ceil(0.625 * 32) = 20 input ranks
    assertThat(got.choice(CONV7).rankIn()).isEqualTo(20);
    assertThat(got.choice(CONV7).rankOut()).isEqualTo(40);
    assertThat(got.choice(FC2).rank()).isEqualTo(30);
    // layers the plan does not name stay dense: the upper bounds
    assertThat(got.choice(CONV3).method()).isNull();
  }
}

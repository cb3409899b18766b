package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.bocomp.testing.DefaultModelFactors.CONV3;
import static io.bocomp.testing.DefaultModelFactors.FC2;

import io.bocomp.bo.BayesOpt;
import io.bocomp.bo.Evaluation;
import io.bocomp.compress.Method;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.testing.DefaultModelFactors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bit widths in the search space of the default model: one integer dimension per layer dimension,
 * the optimizer's proposals land on levels (rounding inside the kernel), every map from the box
 * (unit cube, uniform value, strongest point) gives valid widths, and plans carry them with the
 * right group size; {@code --method quantize} searches widths alone; one width fixes it.
 */
class BitWidthSearchTest {
  private static ModelFactors factors;

  @BeforeAll
  static void load() {
    factors = DefaultModelFactors.load();
  }

  private static SearchSpace space(MethodChoice m, List<Integer> bits, int group) {
    return SearchSpace.build(factors, new SearchSpace.Options(m, Parametrization.RANK, List.of(),
        List.of(), Map.of(), List.of(), List.of(), 0.99, CostMetric.BYTES, 0.01)
        .withQuantization(bits, group));
  }

  private static PlanEntry entry(SearchSpace s, double[] theta, String layer) {
    return s.plan(theta).entries().stream().filter(e -> e.name().equals(layer)).findFirst()
        .orElseThrow();
  }

  @Test
  void everyLayerDimensionGetsAnIntegerBitWidthDimension() {
    SearchSpace s = space(MethodChoice.AUTO, List.of(8, 2, 4), 64);
    assertThat(s.dimension()).isEqualTo(12); // 6 rank fractions + 6 bit widths (min_saving)
    for (int k = 0; k < 12; k++) {
      SearchSpace.Knob kn = s.knobs().get(k);
      assertThat(kn.isBits()).isEqualTo(k >= 6);
      assertThat(s.boSpace().dimension(k).integer()).isEqualTo(k >= 6);
      if (kn.isBits()) {
        assertThat(kn.bitWidths()).containsExactly(2, 4, 8);
        assertThat(kn.layers()).isEqualTo(s.knobs().get(k - 6).layers());
        assertThat(kn.lower()).isZero();
        assertThat(kn.upper()).isEqualTo(2);
      }
    }
    double[] u = new double[12];
    java.util.Arrays.fill(u, 0.5);
    u[6] = 0.0;
    u[7] = 0.34;
    u[8] = 0.999;
    double[] theta = s.fromUnit(u);
    assertThat(theta[6]).isEqualTo(0.0);
    assertThat(theta[7]).isEqualTo(1.0);
    assertThat(theta[8]).isEqualTo(2.0);
    assertThat(entry(s, theta, CONV3).bits()).isEqualTo(2);
    assertThat(entry(s, theta, CONV3).group()).as("convs are quantized per channel").isNull();
    PlanEntry fc = entry(s, theta, FC2);
    assertThat(fc.method()).isEqualTo(Method.SVD);
    assertThat(fc.group()).isEqualTo(64);
    // strongest: every rank 1 and the lowest width; uniform values map monotonically
    assertThat(entry(s, s.strongest(), FC2).bits()).isEqualTo(2);
    double previous = -1;
    for (double v = 0; v <= 1.0; v += 0.05) {
      ResolvedPlan p = s.resolve(s.uniform(v));
      double bytes = PlanCost.analytic(p).bytes();
      assertThat(bytes).as("uniform(%s)", v).isGreaterThanOrEqualTo(previous);
      previous = bytes;
    }
    assertThat(entry(s, s.uniform(1.0), FC2).bits()).isEqualTo(8);
  }

  @Test
  void theOptimizerProposesOnlyLevelsOfTheBitDimensions() {
    SearchSpace s = space(MethodChoice.AUTO, List.of(2, 3, 4, 5, 6, 8), 0);
    BayesOpt bo = BayesOpt.builder(s.boSpace()).seed(3).initialDesignSize(6).build();
    for (int t = 0; t < 10; t++) {
      double[] x = bo.suggest(1).get(0);
      for (int k = 6; k < 12; k++) {
        assertThat(x[k]).as("trial %d dimension %d", t, k).isEqualTo(Math.rint(x[k]))
            .isBetween(0.0, 5.0);
      }
      double y = 0;
      for (int k = 6; k < 12; k++) {
        y += Math.abs(x[k] - 2.4); // the best width sits between two levels
      }
      bo.observe(x, Evaluation.of(y, 0.01));
    }
  }

  @Test
  void quantizeSearchesWidthsAloneAndOneWidthNeedsNoDimension() {
    SearchSpace q = space(MethodChoice.QUANTIZE, List.of(2, 4, 8), 32);
    assertThat(q.knobs()).allMatch(SearchSpace.Knob::isBits);
    double[] theta = q.fromUnit(new double[q.dimension()]);
    assertThat(q.plan(theta).entries()).allMatch(e -> e.method() == Method.QUANTIZE
        && e.bits() == 2);
    assertThat(entry(q, theta, FC2).group()).isEqualTo(32);
    SearchSpace one = space(MethodChoice.AUTO, List.of(4), 0);
    assertThat(one.knobs()).noneMatch(SearchSpace.Knob::isBits);
    assertThat(one.plan(one.uniform(0.5)).entries()).allMatch(e -> e.bits() == 4);
    assertThatThrownBy(() -> space(MethodChoice.QUANTIZE, List.of(4), 0))
        .isInstanceOf(TuneConfigException.class).hasMessageContaining("at least two widths");
  }

  @Test
  void runConfigChecksWidthsAndGroups() {
    assertThat(RunConfig.builder().method(MethodChoice.QUANTIZE).build().bits)
        .containsExactly(2, 4, 8);
    assertThat(RunConfig.builder().bits(List.of(8, 3, 3)).build().bits).containsExactly(3, 8);
    assertThatThrownBy(() -> RunConfig.builder().bits(List.of(7)).build())
        .isInstanceOf(TuneConfigException.class).hasMessageContaining("unsupported bit width 7");
    assertThatThrownBy(() -> RunConfig.builder().bits(List.of(4)).quantGroup(48).build())
        .hasMessageContaining("--quant-group must be 32, 64 or 128");
    assertThatThrownBy(() -> RunConfig.builder().quantGroup(32).build())
        .hasMessageContaining("--quant-group needs --bits");
    RunConfig c = RunConfig.builder().bits(List.of(2, 4)).quantGroup(64).build();
    assertThat(c.toJson().path("bits").toString()).isEqualTo("[2,4]");
    assertThat(c.toJson().path("quant_group").asInt()).isEqualTo(64);
    assertThat(RunConfig.builder().build().toJson().has("bits")).as("unset: left out").isFalse();
  }
}

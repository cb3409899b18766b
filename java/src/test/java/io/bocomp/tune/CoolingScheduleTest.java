package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CoolingScheduleTest {
  private static final double K0 = 1.0;
  private static final double K = 0.25;

  @Test
  void exponentialFollowsChenEtAlFormula() {
    CoolingSchedule s = CoolingSchedule.named("exp", 0.5);
    int total = 20;
    for (int t = 0; t < total; t++) {
      double expected = K + (K0 - K) * Math.exp(-0.5 * (t + 1)) + (K - K0) * Math.exp(-0.5 * total);
      assertThat(s.bound(t, total, K0, K)).as("t=%d", t).isCloseTo(expected, within(1e-15));
    }
    // first trial: kappa + 0.75 (e^-0.5 - e^-10)
    assertThat(s.bound(0, total, K0, K)).isCloseTo(0.25 + 0.75 * (0.6065306597 - 4.54e-5),
        within(1e-9));
  }

  @Test
  void everyScheduleEndsExactlyOnTheBudgetAndNeverLoosens() {
    for (String name : new String[] {"exp", "linear", "none"}) {
      CoolingSchedule s = CoolingSchedule.named(name);
      assertThat(s.name()).isEqualTo(name);
      for (int total : new int[] {1, 2, 7, 50}) {
        double prev = Double.POSITIVE_INFINITY;
        for (int t = 0; t < total; t++) {
          double b = s.bound(t, total, K0, K);
          assertThat(b).as("%s t=%d T=%d", name, t, total).isBetween(K, K0).isLessThanOrEqualTo(prev);
          prev = b;
        }
        assertThat(s.bound(total - 1, total, K0, K)).as("%s T=%d", name, total).isEqualTo(K);
        assertThat(s.bound(total + 3, total, K0, K)).isEqualTo(K);
      }
    }
  }

  @Test
  void linearStepsEvenlyAndNoneIsTheBudgetFromTheStart() {
    CoolingSchedule lin = CoolingSchedule.named("linear");
    assertThat(lin.bound(0, 4, K0, K)).isCloseTo(1 - 0.75 / 4, within(1e-15));
    assertThat(lin.bound(1, 4, K0, K)).isCloseTo(1 - 0.75 / 2, within(1e-15));
    assertThat(CoolingSchedule.named("none").bound(0, 100, K0, K)).isEqualTo(K);
  }

  @Test
  void aFixedPaperRateIsWithinFivePercentOfTheGapAfterSixTrials() {
    CoolingSchedule s = CoolingSchedule.named("exp", 0.5);
    double gap = (s.bound(5, 100, K0, K) - K) / (K0 - K);
    assertThat(gap).isLessThan(0.05).isGreaterThan(0.04);
  }

  @Test
  void theScaledRateIsThreeOverTheTrialsAtAnyRunLength() {
    ExponentialCooling s = (ExponentialCooling) CoolingSchedule.named("exp", 0);
    assertThat(s.isScaled()).isTrue();
    assertThat(s.eta(88)).isCloseTo(3.0 / 88, within(1e-15));
    for (int total : new int[] {20, 88, 400}) {
      // the gap left after t + 1 = T/2 trials: e^(-1.5) - e^(-3) = 0.17334, for every T
      double mid = (s.bound(total / 2 - 1, total, K0, K) - K) / (K0 - K);
      assertThat(mid).as("T=%d", total).isCloseTo(Math.exp(-1.5) - Math.exp(-3), within(1e-12));
      assertThat(mid).isCloseTo(0.17334, within(1e-5));
      // after three quarters: e^(-2.25) - e^(-3) = 0.05561
      double late = (s.bound(3 * total / 4 - 1, total, K0, K) - K) / (K0 - K);
      assertThat(late).isCloseTo(0.05561, within(1e-5));
      assertThat(s.bound(total - 1, total, K0, K)).isEqualTo(K);
    }
    // the fixed paper rate at T = 88: the bound is at the budget to 1e-9 by the midpoint
    CoolingSchedule paper = CoolingSchedule.named("exp", 0.5);
    assertThat((paper.bound(43, 88, K0, K) - K) / (K0 - K)).isLessThan(1e-9);
  }

  @Test
  void coolingEtaIsARunSettingLeftOutOfTheJsonAtItsDefault() {
    RunConfig d = RunConfig.builder().build();
    assertThat(d.coolingEta).isEqualTo(RunConfig.DEFAULT_COOLING_ETA);
    assertThat(d.toJson().has("cooling_eta")).isFalse();
    double other = RunConfig.DEFAULT_COOLING_ETA == 0 ? 0.5 : 0;
    RunConfig o = RunConfig.builder().coolingEta(other).build();
    assertThat(o.toJson().path("cooling_eta").asDouble()).isEqualTo(other);
    assertThatThrownBy(() -> RunConfig.builder().coolingEta(-1).build())
        .isInstanceOf(TuneConfigException.class).hasMessageContaining("cooling_eta");
  }

  @Test
  void unknownNamesAndBadRatesAreRefused() {
    assertThat(CoolingSchedule.named("cosine")).isNull();
    assertThatThrownBy(() -> new ExponentialCooling(0)).isInstanceOf(IllegalArgumentException.class);
  }
}

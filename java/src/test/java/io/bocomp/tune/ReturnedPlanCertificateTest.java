package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.bocomp.ModelLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate of the returned plan: its formula on synthetic trials, and result.json. */
class ReturnedPlanCertificateTest {
  @TempDir Path dir;

  private static TrialRecord trial(int id, double loss, double se, double r, double budget) {
    return new TrialRecord(0, id, "bo", new double[] {r}, "k" + id, false,
        new Distance(loss, se, 50), null, new PlanCost(100, 1000, 400, Double.NaN), r,
        r <= budget, Double.NaN, Double.NaN, List.of(), TrialTiming.NONE);
  }

  @Test
  void aClearlyBestPlanGetsAHighProbabilityAndANearTieALowerOne() {
    TrialRecord best = trial(3, 1.0, 0.02, 0.24, 0.25);
    List<TrialRecord> clear = List.of(trial(0, 2.0, 0.04, 0.2, 0.25), best,
        trial(5, 1.5, 0.03, 0.25, 0.25), trial(7, 0.5, 0.01, 0.9, 0.25)); // 7: infeasible
    ReturnedPlanCertificate.Result c = ReturnedPlanCertificate.of(best, clear, 0);
    assertThat(c.trial()).isEqualTo(3);
    assertThat(c.competitors()).isEqualTo(2);
    assertThat(c.probability()).isGreaterThan(0.99);
    assertThat(c.unionBound()).isGreaterThan(0.99);
    assertThat(c.closest()).isEqualTo(5);

    List<TrialRecord> tie = List.of(trial(0, 2.0, 0.04, 0.2, 0.25), best,
        trial(5, 1.005, 0.02, 0.25, 0.25));
    ReturnedPlanCertificate.Result t = ReturnedPlanCertificate.of(best, tie, 0);
    // P[L_5 + ε >= L_3] with ε = 0.01: Φ((0.005 + 0.01) / √(2 · 0.02²)) = Φ(0.530) = 0.702
    assertThat(t.probability()).isCloseTo(0.702, within(0.03));
    assertThat(t.probability()).isLessThan(c.probability());
    assertThat(t.closestProbability()).isCloseTo(1 - 0.702, within(1e-3));
  }

  @Test
  void repeatsOfTheReturnedNetworkAndFailedTrialsAreNoCompetitors() {
    TrialRecord best = trial(2, 1.0, 0.02, 0.2, 0.25);
    TrialRecord repeat = new TrialRecord(0, 6, "bo", new double[] {0.2}, "k2", true,
        new Distance(1.0, 0.02, 50), null, new PlanCost(100, 1000, 400, Double.NaN), 0.2, true,
        Double.NaN, Double.NaN, List.of(), TrialTiming.NONE);
    ReturnedPlanCertificate.Result c = ReturnedPlanCertificate.of(best,
        List.of(best, TrialRecords.failed(4), repeat), 0);
    assertThat(c.competitors()).isZero();
    assertThat(c.probability()).isEqualTo(1.0);
    assertThat(c.closest()).isEqualTo(-1);
    assertThat(ReturnedPlanCertificate.of(null, List.of(), 0)).isNull();
  }

  @Test
  void resultJsonCertifiesTheReturnedTrialInBothModes() {
    for (RunConfig.Mode mode : RunConfig.Mode.values()) {
      RunConfig c = RunConfig.builder().budget(new Budget(CostMetric.PARAMS, 0.25)).trials(10)
          .samples(8).seed(1).mode(mode).build();
      TuneResult r;
      try (Tuner t = Tuner.prepare(new Tuner.Inputs(ModelLoader.loadDefault(), "default", null,
          ModelLoader.defaultSample(), "sample"), c, "cpu", dir.resolve(mode.name()), false, "t")) {
        r = t.run(TuneListener.NONE);
      }
      JsonNode cert = r.json().get("certificate");
      assertThat(cert.path("trial").asInt()).as(mode.name()).isEqualTo(r.best().trial());
      assertThat(cert.path("trial").asInt()).isEqualTo(r.json().path("best").path("trial").asInt());
      double p = cert.path("probability").asDouble();
      assertThat(p).isBetween(0.0, 1.0);
      assertThat(cert.path("union_bound").asDouble()).isLessThanOrEqualTo(p + 0.02);
      assertThat(cert.path("competitors").asInt()).isPositive();
    }
  }
}

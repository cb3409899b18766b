package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.bocomp.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

  /** A trial whose sample L and standard error are those of per-input distances {@code x}. */
  private static TrialRecord measured(int id, double[] x) {
    double m = 0;
    for (double v : x) {
      m += v;
    }
    m /= x.length;
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    return trial(id, m, Math.sqrt(ss / (x.length - 1) / x.length), 0.2, 0.25);
  }

  @Test
  void aConstantOffsetBeyondEpsilonIsCertainWhenPairedButNotIndependently() {
    // 50 inputs with a wide spread (se ≈ 8% of L); the rival is the returned plan + 2% of L on
    // every input, up to a tiny per-input wobble
    java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
    int n = 50;
    double[] xb = new double[n];
    double[] xj = new double[n];
    for (int i = 0; i < n; i++) {
      xb[i] = 0.2 + 1.6 * rng.nextDouble();
      xj[i] = xb[i] + 0.02 + 1e-4 * (rng.nextDouble() - 0.5);
    }
    TrialRecord best = measured(1, xb);
    TrialRecord rival = measured(2, xj);
    List<TrialRecord> h = List.of(rival, best);
    ReturnedPlanCertificate.Result ind = ReturnedPlanCertificate.of(best, h, 0);
    ReturnedPlanCertificate.Result p = ReturnedPlanCertificate.paired(best, h, 0,
        Map.of("k1", xb, "k2", xj));
    assertThat(best.distance().stderr() / best.loss()).isGreaterThan(0.05);
    // independent: Φ((0.02 + 0.01 L) / √(2 se²)) is far from 1
    assertThat(ind.probability()).isBetween(0.5, 0.8);
    assertThat(p.paired()).isTrue();
    assertThat(p.remeasured()).isEqualTo(1);
    assertThat(p.unmeasured()).isZero();
    assertThat(p.independent()).isEqualTo(ind.probability());
    assertThat(p.probability()).isGreaterThan(0.999);
    assertThat(p.unionBound()).isEqualTo(ind.unionBound());
    assertThat(p.closest()).isEqualTo(2);
  }

  @Test
  void uncorrelatedPerInputDistancesGiveTheIndependentStatement() {
    // centred per-input vectors on orthogonal sign patterns (Walsh functions over blocks of 4):
    // their sample covariances are exactly 0, so the paired model is the independent one
    int n = 64;
    double[][] sign = {{1, -1, 1, -1}, {1, 1, -1, -1}, {1, -1, -1, 1}};
    double[] xb = new double[n];
    double[] x1 = new double[n];
    double[] x2 = new double[n];
    for (int i = 0; i < n; i++) {
      xb[i] = 1.0 + 0.1 * sign[0][i % 4];
      x1[i] = 1.004 + 0.12 * sign[1][i % 4];
      x2[i] = 1.02 + 0.08 * sign[2][i % 4];
    }
    TrialRecord best = measured(0, xb);
    List<TrialRecord> h = List.of(best, measured(1, x1), measured(2, x2));
    ReturnedPlanCertificate.Result ind = ReturnedPlanCertificate.of(best, h, 3);
    ReturnedPlanCertificate.Result p = ReturnedPlanCertificate.paired(best, h, 3,
        Map.of("k0", xb, "k1", x1, "k2", x2));
    assertThat(p.remeasured()).isEqualTo(2);
    assertThat(ind.probability()).isBetween(0.3, 0.9);
    // two Monte Carlo estimates (4,096 draws each) of one probability
    assertThat(p.probability()).isCloseTo(ind.probability(), within(0.03));
  }

  @Test
  void atMostPairedMaxCompetitorsAreReMeasuredAndTheRestEnterAsAUnionBound() {
    int max = ReturnedPlanCertificate.PAIRED_MAX;
    TrialRecord best = trial(0, 1.0, 0.02, 0.2, 0.25);
    List<TrialRecord> h = new java.util.ArrayList<>(List.of(best));
    Map<String, double[]> per = new java.util.HashMap<>();
    per.put("k0", new double[] {0.9, 1.1});
    for (int j = 1; j <= max + 4; j++) {
      h.add(trial(j, 1.0 + 0.001 * j, 0.02, 0.2, 0.25)); // all above the threshold
      per.put("k" + j, new double[] {0.9 + 0.001 * j, 1.1 + 0.001 * j}); // constant offsets
    }
    h.add(trial(max + 5, 3.0, 0.02, 0.2, 0.25)); // far behind: below the threshold
    List<TrialRecord> m = ReturnedPlanCertificate.toRemeasure(best, h);
    assertThat(m).extracting(TrialRecord::trial)
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, max).boxed()
            .toList()); // the most probable first
    ReturnedPlanCertificate.Result p = ReturnedPlanCertificate.paired(best, h, 0, per);
    double rest = 0;
    for (int j = max + 1; j <= max + 5; j++) {
      rest += ReturnedPlanCertificate.beats(1.0, 0.02, h.get(j).loss(), 0.02, 0.01);
    }
    assertThat(rest).isBetween(0.1, 0.5);
    assertThat(p.remeasured()).isEqualTo(max);
    assertThat(p.competitors()).isEqualTo(max + 5);
    assertThat(p.unmeasured()).isCloseTo(rest, within(1e-12));
    // the re-measured ones never beat it (constant offsets ≥ 0): P = 1 − the union term
    assertThat(p.probability()).isCloseTo(1 - rest, within(1e-12));
    per.remove("k8");
    assertThatThrownBy(() -> ReturnedPlanCertificate.paired(best, h, 0, per))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k8");
  }

  @Test
  void aTunerRunStatesThePairedCertificateOfItsJournal() throws java.io.IOException {
    RunConfig c = DefaultModelRuns.quarterOfParams(8, 16, 2).build();
    TuneResult r = DefaultModelRuns.tune(DefaultModelRuns.unlabeledInputs(16), c,
        dir.resolve("paired")).result();
    List<TrialRecord> history = new java.util.ArrayList<>();
    for (com.fasterxml.jackson.databind.node.ObjectNode line
        : Journal.read(r.dir().resolve(Journal.FILE)).lines()) {
      if (line.path("type").asText().equals("trial")) {
        history.add(JournalCodec.trial(line));
      }
    }
    TrialRecord best = history.stream().filter(t -> t.trial() == r.best().trial()).findFirst()
        .orElseThrow();
    JsonNode cert = r.json().get("certificate");
    assertThat(cert.path("paired").asBoolean()).isTrue();
    int k = ReturnedPlanCertificate.toRemeasure(best, history).size();
    assertThat(k).isPositive(); // 16 inputs: wide standard errors, some rival is re-measured
    assertThat(cert.path("remeasured").asInt()).isEqualTo(k);
    ReturnedPlanCertificate.Result ind = ReturnedPlanCertificate.of(best, history, 2);
    assertThat(cert.path("independent").asDouble()).isEqualTo(ind.probability());
    assertThat(cert.path("union_bound").asDouble()).isEqualTo(ind.unionBound());
    double p = cert.path("probability").asDouble();
    assertThat(p).isBetween(0.0, 1.0);
    // probability = max(0, P_M − unmeasured), P_M a Monte Carlo fraction of 4,096 draws
    double pm = (p + cert.path("unmeasured").asDouble()) * ReturnedPlanCertificate.SAMPLES;
    assertThat(pm).isCloseTo(Math.rint(pm), within(1e-6));
    assertThat(cert.path("unmeasured").asDouble()).isLessThan(1e-3 * cert.path("competitors")
        .asInt());
    assertThat(Files.readString(r.dir().resolve("report.html")))
        .contains("paired on the run's inputs (" + k + " competitors re-measured");
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
      assertThat(cert.path("union_bound").asDouble())
          .isLessThanOrEqualTo(cert.path("independent").asDouble() + 0.02);
      assertThat(cert.path("competitors").asInt()).isPositive();
      assertThat(cert.path("paired").asBoolean()).isTrue();
      assertThat(cert.path("remeasured").asInt())
          .isBetween(0, Math.min(ReturnedPlanCertificate.PAIRED_MAX,
              cert.path("competitors").asInt()));
      assertThat(cert.path("independent").asDouble()).isBetween(0.0, 1.0);
    }
  }
}

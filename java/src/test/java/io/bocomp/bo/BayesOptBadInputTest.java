package io.bocomp.bo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.bo.acquisition.AcquisitionFactory;
import io.bocomp.bo.fit.GammaPrior;
import io.bocomp.bo.fit.HyperparameterPriors;
import io.bocomp.bo.fit.Prior;
import io.bocomp.bo.testfunctions.Branin;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Bad input gives a clear error or a documented outcome, never a hang or a silent wrong answer. */
class BayesOptBadInputTest {
  static final Branin BRANIN = new Branin();

  @Test
  void nonFiniteObjectiveValuesAreFailedEvaluations() {
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).build();
    bo.observe(new double[] {0, 0}, Evaluation.of(Double.NaN));
    bo.observe(new double[] {1, 1}, Evaluation.of(Double.POSITIVE_INFINITY, 0.1));
    bo.observe(new double[] {2, 2}, null);
    assertThat(bo.observations()).allMatch(o -> o.evaluation().isFailed());
    assertThat(bo.result().failures()).isEqualTo(3);
    assertThat(bo.result().bestX()).isNull();
    assertThat(bo.result().certificate()).isNull();
    // with no success the loop keeps exploring instead of fitting
    assertThat(bo.suggest(2)).hasSize(2);
  }

  @Test
  void badObservationsAreRejectedNamingTheCulprit() {
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).blackBoxConstraint("latency", 5).build();
    Evaluation ok = Evaluation.of(1.0).withConstraint("latency", 3);
    assertThatThrownBy(() -> bo.observe(new double[] {0}, ok)).isInstanceOf(InvalidObservationException.class)
        .hasMessageContaining("1 coordinates");
    assertThatThrownBy(() -> bo.observe(new double[] {11, 0}, ok)).hasMessageContaining("'x1'");
    assertThatThrownBy(() -> bo.observe(new double[] {0, Double.NaN}, ok)).hasMessageContaining("'x2'");
    assertThatThrownBy(() -> bo.observe(new double[] {0, 0}, Evaluation.of(1, -0.1).withConstraint("latency", 3)))
        .hasMessageContaining("standard error");
    assertThatThrownBy(() -> bo.observe(new double[] {0, 0},
        Evaluation.of(1, Double.POSITIVE_INFINITY).withConstraint("latency", 3))).hasMessageContaining("standard error");
    assertThatThrownBy(() -> bo.observe(new double[] {0, 0}, Evaluation.of(1.0)))
        .hasMessageContaining("lacks a value for black-box constraint 'latency'");
    assertThatThrownBy(() -> bo.observe(new double[] {0, 0}, ok.withConstraint("memory", 1)))
        .hasMessageContaining("undeclared black-box constraint 'memory'");
    bo.observe(new double[] {0, 0}, Evaluation.of(1.0).withConstraint("latency", Double.NaN));
    assertThat(bo.observations()).hasSize(1);
    assertThat(bo.observations().get(0).evaluation().failureReason()).contains("latency");
  }

  @Test
  void badSettingsAreRejectedNamingTheOption() {
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).build();
    assertThatThrownBy(() -> bo.minimize(BRANIN.objective(), 0)).isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("budget must be >= 1");
    assertThatThrownBy(() -> bo.suggest(0)).hasMessageContaining("batch size q must be >= 1");
    assertThatThrownBy(() -> BayesOpt.builder(BRANIN.space()).initialDesignSize(0))
        .hasMessageContaining("initial design size");
    assertThatThrownBy(() -> BayesOpt.builder(BRANIN.space()).certificateEpsilon(-1)).hasMessageContaining("epsilon");
    assertThatThrownBy(() -> BayesOpt.builder(BRANIN.space()).blackBoxConstraint("c", 1).blackBoxConstraint("c", 2))
        .hasMessageContaining("'c' is declared twice");
    assertThatThrownBy(() -> BayesOpt.builder(BRANIN.space()).blackBoxConstraint("c", Double.NaN))
        .hasMessageContaining("finite threshold");
    assertThatThrownBy(() -> BayesOpt.builder(BRANIN.space()).acquisition(AcquisitionFactory.lowerConfidenceBound(2))
        .blackBoxConstraint("c", 1).build()).hasMessageContaining("'lcb' cannot be combined with black-box constraints");
    assertThatThrownBy(() -> new RefitPolicy(-1, 1)).hasMessageContaining("refit growth");
  }

  @Test
  void duplicateAndContradictoryPointsAreAbsorbedByJitter() {
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).seed(1).build();
    for (int i = 0; i < 6; i++) {
      bo.observe(new double[] {1, 1}, Evaluation.of(5.0));
      bo.observe(new double[] {1, 1}, Evaluation.of(7.0)); // same point, different exact values
      bo.observe(new double[] {2, 3}, Evaluation.of(3.0));
    }
    List<double[]> next = bo.suggest(3);
    assertThat(next).hasSize(3);
    assertThat(bo.result().bestValue()).isEqualTo(3.0);
  }

  @Test
  void infeasibleKnownConstraintsFailFastWithTheirNames() {
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).knownConstraint("impossible", x -> false).build();
    assertThatThrownBy(() -> bo.suggest(1)).isInstanceOf(NoFeasiblePointException.class)
        .hasMessageContaining("impossible");
  }

  @Test
  void tinyFeasibleRegionsAreStillSampledExactly() {
    // about 0.05% of the box is feasible: raw samples miss it, the design search finds it
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).seed(5)
        .knownConstraint("corner", x -> x[0] < -4.7 && x[1] > 14.7).build();
    OptimizationResult r = bo.minimize(BRANIN.objective(), 9);
    assertThat(r.observations()).hasSize(9).allMatch(o -> o.x()[0] < -4.7 && o.x()[1] > 14.7);
  }

  @Test
  void resumeRejectsStateOfAnotherRunOrGarbage() {
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).seed(3).build();
    bo.minimize(BRANIN.objective(), 3);
    BayesOptState st = bo.state();
    Space other = Space.builder().continuous("x1", -5, 10).continuous("x2", 0, 16).build();
    assertThatThrownBy(() -> BayesOpt.builder(other).seed(3).resume(st).build())
        .isInstanceOf(InvalidSettingException.class).hasMessageContaining("space");
    assertThatThrownBy(() -> BayesOpt.builder(BRANIN.space()).seed(4).resume(st).build())
        .hasMessageContaining("seed 3");
    assertThatThrownBy(() -> BayesOptState.fromJson("{not json")).isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("not an optimizer state");
    String future = st.toJson().replaceFirst("\"version\" : 1", "\"version\" : 99");
    assertThatThrownBy(() -> BayesOptState.fromJson(future)).hasMessageContaining("version 99");
  }

  /** A prior that can be switched to NaN, to make every MAP start fail on demand. */
  static final class BreakablePrior implements Prior {
    final GammaPrior inner = GammaPrior.outputscaleDefault();
    volatile boolean broken;

    @Override
    public double logDensity(double v) {
      return broken ? Double.NaN : inner.logDensity(v);
    }

    @Override
    public double logDensityDerivativeInLog(double v) {
      return inner.logDensityDerivativeInLog(v);
    }

    @Override
    public double sample(SplittableRandom rng) {
      return inner.sample(rng);
    }

    @Override
    public double typical() {
      return inner.typical();
    }
  }

  @Test
  void aFailedFitFallsBackToTheLastGoodHyperparametersAndSaysSo() {
    BreakablePrior prior = new BreakablePrior();
    HyperparameterPriors priors = new HyperparameterPriors(GammaPrior.lengthscaleDefault(), prior,
        GammaPrior.noiseDefault());
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).seed(2).priors(priors).refitPolicy(RefitPolicy.everyIteration())
        .build();
    bo.minimize(BRANIN.objective(), 8);
    SurrogateState before = bo.state().models().get(0);
    assertThat(before.lengthscales()).isNotNull();
    List<LogRecord> records = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger("io.bocomp.bo");
    log.addHandler(h);
    try {
      prior.broken = true;
      bo.observe(new double[] {1, 2}, Evaluation.of(BRANIN.value(new double[] {1, 2})));
      List<double[]> next = bo.suggest(1);
      assertThat(next).hasSize(1);
      SurrogateState after = bo.state().models().get(0);
      assertThat(after.lengthscales()).containsExactly(before.lengthscales());
      assertThat(after.fittedAt()).isEqualTo(before.fittedAt());
      assertThat(after.conditionedAt()).isEqualTo(9);
      assertThat(records).anyMatch(r -> r.getLevel() == Level.WARNING
          && r.getMessage().contains("falling back to the last good hyperparameters"));
      prior.broken = false;
      bo.observe(next.get(0), Evaluation.of(BRANIN.value(next.get(0))));
      bo.suggest(1);
      assertThat(bo.state().models().get(0).fittedAt()).as("refits again once fitting works").isEqualTo(10);
    } finally {
      log.removeHandler(h);
    }
  }
}

package io.bocomp.bo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.bo.testfunctions.Branin;
import io.bocomp.bo.testfunctions.NoisyTestFunction;
import io.bocomp.bo.testfunctions.SinOne;
import io.bocomp.bo.testfunctions.TestFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour of the loop: ask/tell, reproducibility, resume, batches, integers, constraints, failures. */
class BayesOptTest {
  static final TestFunction BRANIN = new Branin();

  /** Mixed space: Branin's x1 continuous, x2 as an integer 0..15, with a black-box constraint. */
  static BayesOpt.Builder mixedBuilder(long seed) {
    Space s = Space.builder().continuous("x1", -5, 10).integer("x2", 0, 15).build();
    return BayesOpt.builder(s).seed(seed).blackBoxConstraint("c", 6.0);
  }

  static Evaluation mixedEval(double[] x, double noise) {
    double f = BRANIN.value(x) + noise;
    return Evaluation.of(f, 0.05).withConstraint("c", x[0] + x[1] / 2, 0.01);
  }

  static List<double[]> xs(List<Observation> obs) {
    List<double[]> out = new ArrayList<>();
    for (Observation o : obs) {
      out.add(o.x());
    }
    return out;
  }

  @Test
  void askTellAndMinimizeTakeTheSamePathAndSeedsReproduceBitForBit() {
    BayesOpt a = BayesOpt.builder(BRANIN.space()).seed(11).build();
    OptimizationResult ra = a.minimize(BRANIN.objective(), 14);
    BayesOpt b = BayesOpt.builder(BRANIN.space()).seed(11).build();
    for (int i = 0; i < 14; i++) {
      double[] x = b.suggest(1).get(0);
      b.observe(x, Evaluation.of(BRANIN.value(x)));
    }
    BayesOpt c = BayesOpt.builder(BRANIN.space()).seed(12).build();
    c.minimize(BRANIN.objective(), 14);
    List<double[]> pa = xs(ra.observations());
    List<double[]> pb = xs(b.observations());
    for (int i = 0; i < 14; i++) {
      assertThat(pb.get(i)).as("evaluation %d", i).containsExactly(pa.get(i));
    }
    assertThat(xs(c.observations()).get(13)).isNotEqualTo(pa.get(13));
    assertThat(b.result().bestValue()).isEqualTo(ra.bestValue());
  }

  @Test
  void resumingFromJsonContinuesBitForBit() {
    int total = 24;
    int cut = 15;
    BayesOpt straight = mixedBuilder(5).build();
    for (int i = 0; i < total; i++) {
      double[] x = straight.suggest(1).get(0);
      straight.observe(x, mixedEval(x, 0.01 * Math.sin(i)));
    }
    BayesOpt first = mixedBuilder(5).build();
    for (int i = 0; i < cut; i++) {
      double[] x = first.suggest(1).get(0);
      first.observe(x, mixedEval(x, 0.01 * Math.sin(i)));
    }
    first.suggest(1); // leave one suggestion pending across the save
    String json = first.state().toJson();
    BayesOpt resumed = mixedBuilder(5).resume(BayesOptState.fromJson(json)).build();
    assertThat(resumed.state().toJson()).isEqualTo(json);
    BayesOpt control = mixedBuilder(5).build();
    for (int i = 0; i < cut; i++) {
      double[] x = control.suggest(1).get(0);
      control.observe(x, mixedEval(x, 0.01 * Math.sin(i)));
    }
    control.suggest(1);
    // both continue with the pending point observed first
    for (BayesOpt bo : List.of(resumed, control)) {
      for (int i = cut; i < total; i++) {
        double[] x = i == cut ? lastPending(bo) : bo.suggest(1).get(0);
        bo.observe(x, mixedEval(x, 0.01 * Math.sin(i)));
      }
    }
    List<double[]> a = xs(control.observations());
    List<double[]> b = xs(resumed.observations());
    assertThat(b).hasSize(total);
    for (int i = 0; i < total; i++) {
      assertThat(b.get(i)).as("evaluation %d", i).containsExactly(a.get(i));
    }
    assertThat(resumed.state().toJson()).isEqualTo(control.state().toJson());
    // the uninterrupted run without the extra pending suggestion agrees up to the cut
    for (int i = 0; i < cut; i++) {
      assertThat(a.get(i)).containsExactly(xs(straight.observations()).get(i));
    }
  }

  private static double[] lastPending(BayesOpt bo) {
    List<double[]> pending = bo.state().pending();
    return pending.get(pending.size() - 1);
  }

  @Test
  void batchesAreDistinctAndAvoidPendingPoints() {
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).seed(3).build();
    bo.minimize(BRANIN.objective(), 10);
    List<double[]> batch = bo.suggest(4);
    List<double[]> more = bo.suggest(2);
    List<double[]> all = new ArrayList<>(batch);
    all.addAll(more);
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        double dist = Math.hypot((all.get(i)[0] - all.get(j)[0]) / 15, (all.get(i)[1] - all.get(j)[1]) / 15);
        assertThat(dist).as("points %d and %d", i, j).isGreaterThan(1e-3);
      }
    }
    assertThat(bo.state().pending()).hasSize(6);
    bo.observe(batch.get(2), Evaluation.of(BRANIN.value(batch.get(2))));
    assertThat(bo.state().pending()).hasSize(5);
    assertThat(bo.abandon(more.get(0))).isTrue();
    assertThat(bo.abandon(more.get(0))).isFalse();
    assertThat(bo.state().pending()).hasSize(4);
  }

  @Test
  void integerDimensionsAreExactAndOptimizedInsideTheModel() {
    Space s = Space.builder().continuous("x", 0, 1).integer("k", 0, 40).build();
    Objective f = x -> Evaluation.of((x[0] - 0.3) * (x[0] - 0.3) + (x[1] - 27) * (x[1] - 27) / 400.0);
    BayesOpt bo = BayesOpt.builder(s).seed(2).build();
    OptimizationResult r = bo.minimize(f, 25);
    for (Observation o : r.observations()) {
      assertThat(o.x()[1]).isEqualTo(Math.rint(o.x()[1]));
    }
    assertThat(r.bestX()[1]).isEqualTo(27.0);
    assertThat(r.bestX()[0]).isCloseTo(0.3, within(0.03));
  }

  @Test
  void knownConstraintsHoldForEverySuggestionAndTheOptimumIsOnTheBoundary() {
    // Branin restricted to x1 + x2 <= 6: the two optima with x2 ≈ 2.3 stay reachable only near x1 = π
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).seed(4).knownConstraint("budget", x -> x[0] + x[1] <= 6).build();
    OptimizationResult r = bo.minimize(BRANIN.objective(), 30);
    for (Observation o : r.observations()) {
      assertThat(o.x()[0] + o.x()[1]).isLessThanOrEqualTo(6.0);
    }
    assertThat(r.bestValue()).isLessThan(BRANIN.optimum() + 0.05);
  }

  @Test
  void blackBoxConstraintsSteerToTheFeasibleOptimum() {
    // feasible iff x1 <= 0: the only feasible global minimum is (−π, 12.275)
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).seed(6).blackBoxConstraint("x1", 0.0).build();
    OptimizationResult r = bo.minimize(x -> Evaluation.of(BRANIN.value(x)).withConstraint("x1", x[0]), 35);
    assertThat(r.bestX()[0]).isLessThanOrEqualTo(0.0);
    assertThat(r.bestValue()).isLessThan(BRANIN.optimum() + 0.1);
    int feasibleLate = 0;
    for (Observation o : r.observations().subList(20, 35)) {
      feasibleLate += o.x()[0] <= 0 ? 1 : 0;
    }
    assertThat(feasibleLate).as("late proposals mostly feasible").isGreaterThanOrEqualTo(10);
    for (int i = 0; i < r.trace().length; i++) {
      double t = r.trace()[i];
      if (!Double.isNaN(t)) {
        assertThat(r.observations().stream().limit(i + 1)
            .anyMatch(o -> o.x()[0] <= 0 && o.evaluation().mean() == t)).isTrue();
      }
    }
  }

  @Test
  void failedEvaluationsAreRecordedAndNotProposedAgain() {
    Objective flaky = x -> {
      if (x[0] > 6) {
        throw new IllegalStateException("simulated crash");
      }
      if (x[1] > 12) {
        return Evaluation.of(Double.NaN);
      }
      return Evaluation.of(BRANIN.value(x));
    };
    BayesOpt bo = BayesOpt.builder(BRANIN.space()).seed(8).build();
    OptimizationResult r = bo.minimize(flaky, 30);
    assertThat(r.failures()).isPositive();
    assertThat(r.observations()).hasSize(30);
    assertThat(r.observations().stream().filter(o -> o.evaluation().isFailed())
        .map(o -> o.evaluation().failureReason())).anyMatch(m -> m.contains("simulated crash"))
        .anyMatch(m -> m.contains("NaN"));
    long distinctFailed = r.observations().stream().filter(o -> o.evaluation().isFailed())
        .map(o -> Arrays.toString(o.x())).distinct().count();
    assertThat(distinctFailed).isEqualTo(r.failures());
    assertThat(r.bestX()[0]).isLessThanOrEqualTo(6);
    assertThat(r.bestValue()).as("best value after 30 evaluations with a third of the box failing").isLessThan(2.0);
  }

  @Test
  void startsFromPastObservationsWithoutADesignPhase() {
    BayesOpt old = BayesOpt.builder(BRANIN.space()).seed(1).build();
    List<Observation> past = old.minimize(BRANIN.objective(), 12).observations();
    BayesOpt fresh = BayesOpt.builder(BRANIN.space()).seed(99).observations(past).build();
    assertThat(fresh.observations()).isEqualTo(past);
    fresh.suggest(2);
    assertThat(fresh.state().designIndex()).as("no design point drawn").isZero();
    assertThat(fresh.result().bestValue()).isEqualTo(old.result().bestValue());
  }

  @Test
  void reweightedObservationsRefitCheaplyFromAnEarlierRunsHyperparameters() {
    BayesOpt first = BayesOpt.builder(BRANIN.space()).seed(1).build();
    first.minimize(BRANIN.objective(), 24);
    BayesOptState earlier = first.state();
    // the same points with re-weighted values (a new Lagrange multiplier would do this)
    List<Observation> reweighted = new ArrayList<>();
    for (Observation o : earlier.observations().stream().map(BayesOptState.ObservationRecord::toObservation)
        .toList()) {
      reweighted.add(new Observation(o.x(), Evaluation.of(o.evaluation().mean() + 0.1 * o.x()[0])));
    }
    BayesOpt warm = BayesOpt.builder(BRANIN.space()).seed(2).observations(reweighted).warmStart(earlier).build();
    warm.updateModels();
    SurrogateState m = warm.state().models().get(0);
    assertThat(m.fittedAt()).isEqualTo(24);
    assertThat(m.fullFitAt()).as("no new multi-start fit").isEqualTo(earlier.models().get(0).fullFitAt());
    assertThat(m.lengthscales()).isNotEqualTo(earlier.models().get(0).lengthscales());
    BayesOpt cold = BayesOpt.builder(BRANIN.space()).seed(2).observations(reweighted).build();
    cold.updateModels();
    assertThat(cold.state().models().get(0).fullFitAt()).isEqualTo(24);
    assertThat(warm.suggest(1).get(0)).hasSize(2);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> BayesOpt.builder(BRANIN.space())
        .resume(earlier).warmStart(earlier).build())).isInstanceOf(InvalidSettingException.class);
  }

  @Test
  void noisyResultsPickThePosteriorMeanIncumbentNotTheLuckiestDraw() {
    Space s = Space.builder().continuous("x", 0, 1).build();
    List<Observation> obs = new ArrayList<>();
    for (int i = 0; i <= 20; i++) {
      double x = i / 20.0;
      double y = (x - 0.5) * (x - 0.5) + (i == 0 ? -0.5 : 0.0); // one lucky draw at x = 0
      obs.add(new Observation(new double[] {x}, Evaluation.of(y, 0.2)));
    }
    OptimizationResult r = BayesOpt.builder(s).seed(1).observations(obs).build().result();
    assertThat(r.trace()[20]).isEqualTo(-0.25);
    assertThat(r.bestX()[0]).isBetween(0.3, 0.7);
  }

  @Test
  void certificateGrowsWithEvidence() {
    TestFunction f = new SinOne();
    OptimizationResult early = BayesOpt.builder(f.space()).seed(2).build().minimize(f.objective(), 6);
    OptimizationResult late = BayesOpt.builder(f.space()).seed(2).build().minimize(f.objective(), 30);
    assertThat(early.certificate().probability()).isLessThan(0.5);
    assertThat(late.certificate().probability()).isGreaterThan(0.9);
    assertThat(late.certificate().unionBound()).isBetween(0.0, 1.0);
    assertThat(late.certificate().epsilon()).isPositive();
    assertThat(late.certificate().candidates()).isGreaterThanOrEqualTo(1024);
  }

  @Test
  void learnedNoiseFitsNoiseThatNobodyReported() {
    TestFunction f = new SinOne();
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    Objective noisy = x -> Evaluation.of(f.value(x) + 0.05 * rng.nextGaussian()); // no standard error given
    BayesOpt bo = BayesOpt.builder(f.space()).seed(5)
        .noise(new io.bocomp.bo.model.LearnedHomoscedasticNoise(1.0)).build();
    OptimizationResult r = bo.minimize(noisy, 30);
    SurrogateState m = bo.state().models().get(0);
    assertThat(m.learnedNoise()).as("learned noise variance, standardized").isGreaterThan(1e-3);
    assertThat(f.value(r.bestX()) - f.optimum()).isLessThan(0.1);
  }

  @Test
  void everyKernelOptimizes() {
    for (io.bocomp.bo.model.Kernel k : List.of(new io.bocomp.bo.model.Matern32Kernel(),
        new io.bocomp.bo.model.RbfKernel())) {
      OptimizationResult r = BayesOpt.builder(BRANIN.space()).seed(3).kernel(k).build()
          .minimize(BRANIN.objective(), 25);
      assertThat(r.bestValue() - BRANIN.optimum()).as(k.name()).isLessThan(0.5);
    }
  }

  @Test
  void noisyObjectivesAreOptimizedWithTheirStandardErrors() {
    TestFunction f = new NoisyTestFunction(new SinOne(), 0.03, 4);
    OptimizationResult r = BayesOpt.builder(f.space()).seed(4).build().minimize(f.objective(), 25);
    assertThat(f.value(r.bestX()) - f.optimum()).isLessThan(0.05);
    assertThat(r.bestStderr()).isEqualTo(0.03);
  }
}

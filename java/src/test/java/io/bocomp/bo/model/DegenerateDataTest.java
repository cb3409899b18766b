package io.bocomp.bo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.bo.BayesOpt;
import io.bocomp.bo.Evaluation;
import io.bocomp.bo.OptimizationResult;
import io.bocomp.bo.Space;
import io.bocomp.bo.fit.HyperparameterPriors;
import io.bocomp.bo.fit.MapFitter;
import io.bocomp.bo.fit.MarginalLogLikelihood;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The GP and its fit on data that breaks naive implementations: every θ the same, a constant
 * objective, points so close (with a long lengthscale) that the kernel matrix is singular to
 * double precision, and targets with no finite likelihood. The posterior stays finite through the
 * bounded jitter escalation of {@link CholeskyFactor} (0, then 1e-8 to 1e-2), and what cannot be
 * fitted is a {@link ModelFittingException} saying why, after a bounded number of starts.
 */
class DegenerateDataTest {
  private static final InputTransform UNIT_2D = new InputTransform(new double[2],
      new double[] {1, 1}, new boolean[2]);

  /** {@code n} points of the unit square, point i at (x0(i), x1(i)) with target y(i). */
  private record Points(int n, double[] x, double[] y) {
    static Points of(int n, IntToDoubleFunction x0, IntToDoubleFunction x1,
        IntToDoubleFunction y) {
      double[] x = new double[2 * n];
      double[] t = new double[n];
      for (int i = 0; i < n; i++) {
        x[2 * i] = x0.applyAsDouble(i);
        x[2 * i + 1] = x1.applyAsDouble(i);
        t[i] = y.applyAsDouble(i);
      }
      return new Points(n, x, t);
    }

    /** The GP of kernel {@code k}, lengthscale {@code l} in both dimensions, on exact targets. */
    GaussianProcess condition(Kernel k, double l) {
      return GaussianProcess.condition(k, new GpHyperparameters(new double[] {l, l}, 1.0, 0.0, 0.0),
          UNIT_2D, x, y, new double[n], n);
    }
  }

  private static PosteriorPoint at(GaussianProcess gp, double... u) {
    PosteriorPoint p = gp.newPosteriorPoint();
    gp.predict(u, p, false, null);
    return p;
  }

  @Test
  void everyPointTheSameWithContradictoryExactValuesGivesTheirMean() {
    // exact (zero noise) values, contradicting each other
    Points d = Points.of(8, i -> 0.3, i -> 0.7, i -> i % 2 == 0 ? 1.0 : -1.0);
    GaussianProcess gp = d.condition(new Matern52Kernel(), 0.3);
    assertThat(gp.jitter()).as("the rank-one kernel needed jitter").isPositive()
        .isLessThanOrEqualTo(1e-2);
    PosteriorPoint p = at(gp, 0.3, 0.7);
    assertThat(p.mean).isCloseTo(0.0, within(1e-6));
    assertThat(p.variance).isFinite().isGreaterThanOrEqualTo(0);
    assertThat(at(gp, 0.9, 0.1).variance).as("far away: near the prior").isGreaterThan(0.5);
  }

  @Test
  void pointsCloserThanDoublePrecisionSeesWithALongLengthscaleStayFinite() {
    Points d = Points.of(30, i -> 0.5 + i * 1e-12, i -> 0.5, Math::sin);
    for (Kernel k : new Kernel[] {new RbfKernel(), new Matern52Kernel(), new Matern32Kernel()}) {
      GaussianProcess gp = d.condition(k, 50);
      assertThat(gp.jitter()).as(k.getClass().getSimpleName()).isPositive();
      for (double[] u : new double[][] {{0.5, 0.5}, {0.0, 1.0}}) {
        PosteriorPoint p = at(gp, u);
        assertThat(p.mean).isFinite().isBetween(-1.0, 1.0);
        assertThat(p.variance).isFinite().isGreaterThanOrEqualTo(0);
      }
    }
  }

  @Test
  void targetsWithNoFiniteLikelihoodAreAClearErrorAfterBoundedStarts() {
    Points d = Points.of(5, i -> i / 5.0, i -> 0, i -> i == 2 ? Double.NaN : i);
    MarginalLogLikelihood mll = new MarginalLogLikelihood(new Matern52Kernel(),
        HyperparameterPriors.defaults(), false, d.x, d.y, new double[d.n], d.n, 2);
    assertThatThrownBy(() -> MapFitter.defaults().fit(mll, null, 4, new SplittableRandom(1)))
        .isInstanceOf(ModelFittingException.class)
        .hasMessage("MAP fit failed: no start of 4 gave a finite marginal likelihood"
            + " (4 parameters)");
  }

  @Test
  void aMatrixNoJitterCanRepairIsRefusedNamingTheLargestJitterTried() {
    double[] indefinite = {1, 2, 2, 1}; // eigenvalues 3 and -1
    assertThatThrownBy(() -> CholeskyFactor.factor(indefinite, 2, 2))
        .isInstanceOf(ModelFittingException.class)
        .hasMessageContaining("not positive definite even with jitter 0.01 (1e-2 of its mean diagonal)")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aConstantObjectiveIsOptimizedWithoutErrors() {
    Space space = Space.builder().continuous("a", 0, 1).integer("b", 1, 8).build();
    OptimizationResult r = BayesOpt.builder(space).seed(2).build()
        .minimize(x -> Evaluation.of(3.25, 0.0), 14);
    assertThat(r.observations()).hasSize(14);
    assertThat(r.bestValue()).isEqualTo(3.25);
    assertThat(r.observations()).allMatch(o -> o.x()[0] >= 0 && o.x()[0] <= 1
        && o.x()[1] >= 1 && o.x()[1] <= 8 && o.x()[1] == Math.rint(o.x()[1]));
    assertThat(r.failures()).isZero();
  }
}

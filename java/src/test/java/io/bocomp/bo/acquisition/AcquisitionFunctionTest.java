package io.bocomp.bo.acquisition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.bo.model.GaussianProcess;
import io.bocomp.bo.model.GpHyperparameters;
import io.bocomp.bo.model.InputTransform;
import io.bocomp.bo.model.Matern52Kernel;
import io.bocomp.bo.model.PosteriorPoint;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AcquisitionFunctionTest {
  static GaussianProcess gp(int n, int d, long seed, double noise) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n * d];
    double[] y = new double[n];
    double[] nz = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = r.nextDouble();
      }
      y[i] = Math.sin(6 * x[i * d]) + (d > 1 ? Math.cos(4 * x[i * d + 1]) : 0);
      nz[i] = noise;
    }
    double[] l = new double[d];
    java.util.Arrays.fill(l, 0.3);
    return GaussianProcess.condition(new Matern52Kernel(), new GpHyperparameters(l, 1.2, 0.1, 0),
        new InputTransform(new double[d], ones(d), new boolean[d]), x, y, nz, n);
  }

  static double[] ones(int d) {
    double[] o = new double[d];
    java.util.Arrays.fill(o, 1);
    return o;
  }

  @Provide
  Arbitrary<String> kinds() {
    return Arbitraries.of("ei", "logei", "pi", "lcb", "nei", "lognei", "pof", "constrained-ei", "constrained-logei",
        "feasibility-only");
  }

  static AcquisitionFunction make(String kind, GaussianProcess gp, GaussianProcess c) {
    double[] inc = gp.trainingInput(0);
    return switch (kind) {
      case "ei" -> new ExpectedImprovement(gp, -0.2);
      case "logei" -> new LogExpectedImprovement(gp, -0.2);
      case "pi" -> new ProbabilityOfImprovement(gp, -0.2);
      case "lcb" -> new LowerConfidenceBound(gp, 2.0);
      case "nei" -> new NoisyExpectedImprovement(gp, inc, false);
      case "lognei" -> new NoisyExpectedImprovement(gp, inc, true);
      case "pof" -> new ProbabilityOfFeasibility(c, 0.3);
      case "constrained-ei" -> new ConstrainedAcquisition(new ExpectedImprovement(gp, -0.2),
          List.of(new ProbabilityOfFeasibility(c, 0.3)));
      case "constrained-logei" -> new ConstrainedAcquisition(new LogExpectedImprovement(gp, -0.2),
          List.of(new ProbabilityOfFeasibility(c, 0.3), new ProbabilityOfFeasibility(c, 0.8)));
      case "feasibility-only" -> new ConstrainedAcquisition(null, List.of(new ProbabilityOfFeasibility(c, 0.3)));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @Property(tries = 60, seed = "777")
  void gradientsMatchCentralDifferences(@ForAll("kinds") String kind, @ForAll @IntRange(min = 3, max = 20) int n,
      @ForAll @IntRange(min = 1, max = 4) int d, @ForAll @IntRange(min = 0, max = 10_000) int seed) {
    GaussianProcess g = gp(n, d, seed, 1e-3);
    GaussianProcess c = gp(n, d, seed + 1, 1e-2);
    AcquisitionFunction a = make(kind, g, c);
    SplittableRandom r = new SplittableRandom(seed);
    double[] u = new double[d];
    for (int j = 0; j < d; j++) {
      u[j] = r.nextDouble(0.05, 0.95);
    }
    double[] grad = new double[d];
    double v = a.valueAndGradient(u, grad);
    assertThat(v).isEqualTo(a.value(u));
    double h = 1e-6;
    for (int j = 0; j < d; j++) {
      double[] up = u.clone();
      double[] um = u.clone();
      up[j] += h;
      um[j] -= h;
      double fd = (a.value(up) - a.value(um)) / (2 * h);
      assertThat(grad[j]).as("%s d/du_%d", kind, j).isCloseTo(fd, within(1e-4 * (1 + Math.abs(fd))));
    }
    double[] pts = new double[7 * d];
    for (int i = 0; i < pts.length; i++) {
      pts[i] = r.nextDouble();
    }
    double[] batch = new double[7];
    a.values(pts, 7, batch);
    for (int i = 0; i < 7; i++) {
      double[] p = java.util.Arrays.copyOfRange(pts, i * d, i * d + d);
      assertThat(batch[i]).as("%s batch %d", kind, i).isCloseTo(a.value(p), within(1e-9 * (1 + Math.abs(batch[i]))));
    }
  }

  @Test
  void closedFormsAgreeWithTheirDefinitions() {
    GaussianProcess g = gp(12, 2, 3, 1e-3);
    double[] u = {0.37, 0.61};
    PosteriorPoint p = g.newPosteriorPoint();
    g.predict(u, p, false, null);
    double s = Math.sqrt(p.variance);
    double best = -0.2;
    double z = (best - p.mean) / s;
    // EI by numerical integration of E[max(best − f, 0)], f ~ N(μ, σ²)
    double ei = 0;
    int steps = 200_000;
    for (int i = 0; i < steps; i++) {
      double t = -12 + 24.0 * (i + 0.5) / steps;
      double f = p.mean + s * t;
      ei += Math.max(best - f, 0) * StandardNormal.pdf(t) * 24.0 / steps;
    }
    assertThat(new ExpectedImprovement(g, best).value(u)).isCloseTo(ei, within(1e-8));
    assertThat(new LogExpectedImprovement(g, best).value(u)).isCloseTo(Math.log(ei), within(1e-6));
    assertThat(new ProbabilityOfImprovement(g, best).value(u)).isCloseTo(StandardNormal.cdf(z), within(1e-15));
    assertThat(new LowerConfidenceBound(g, 2).value(u)).isCloseTo(2 * s - p.mean, within(1e-15));
    assertThat(Math.exp(new ProbabilityOfFeasibility(g, 0.4).value(u)))
        .isCloseTo(StandardNormal.cdf((0.4 - p.mean) / s), within(1e-14));
  }

  @Test
  void noisyEiUsesTheJointPosteriorOfPointAndIncumbent() {
    GaussianProcess g = gp(15, 2, 5, 0.05);
    double[] inc = g.trainingInput(NoisyExpectedImprovement.incumbentIndex(g, i -> true));
    double[] u = {0.2, 0.9};
    double[] both = {u[0], u[1], inc[0], inc[1]};
    double[] mean = new double[2];
    double[] cov = new double[4];
    g.jointPosterior(both, 2, mean, cov);
    double sd = Math.sqrt(cov[0] + cov[3] - 2 * cov[1]);
    double z = (mean[1] - mean[0]) / sd;
    double expected = sd * (StandardNormal.pdf(z) + z * StandardNormal.cdf(z));
    assertThat(new NoisyExpectedImprovement(g, inc, false).value(u)).isCloseTo(expected, within(1e-12));
    assertThat(new NoisyExpectedImprovement(g, inc, true).value(u)).isCloseTo(Math.log(expected), within(1e-10));
    // at the incumbent itself the improvement is degenerate: EI ≈ 0 but log EI stays finite
    assertThat(new NoisyExpectedImprovement(g, inc, false).value(inc)).isLessThan(1e-5);
    assertThat(new NoisyExpectedImprovement(g, inc, true).value(inc)).isFinite();
  }

  @Test
  void incumbentIsTheEligibleTrainingPointOfLowestPosteriorMean() {
    GaussianProcess g = gp(20, 2, 9, 1e-3);
    PosteriorPoint p = g.newPosteriorPoint();
    Function<Integer, Double> mean = i -> {
      g.predict(g.trainingInput(i), p, false, null);
      return p.mean;
    };
    int best = NoisyExpectedImprovement.incumbentIndex(g, i -> true);
    int bestOdd = NoisyExpectedImprovement.incumbentIndex(g, i -> i % 2 == 1);
    assertThat(bestOdd % 2).isEqualTo(1);
    for (int i = 0; i < 20; i++) {
      assertThat(mean.apply(best)).isLessThanOrEqualTo(mean.apply(i));
      if (i % 2 == 1) {
        assertThat(mean.apply(bestOdd)).isLessThanOrEqualTo(mean.apply(i));
      }
    }
    assertThat(NoisyExpectedImprovement.incumbentIndex(g, i -> false)).isEqualTo(-1);
  }

  @Test
  void logScaleStaysInformativeWhereEiUnderflows() {
    GaussianProcess g = gp(10, 1, 2, 1e-6);
    ExpectedImprovement ei = new ExpectedImprovement(g, -50);
    LogExpectedImprovement logEi = new LogExpectedImprovement(g, -50);
    double[] u = {0.5};
    double[] grad = new double[1];
    assertThat(ei.value(u)).isZero();
    assertThat(logEi.valueAndGradient(u, grad)).isFinite().isLessThan(-500);
    assertThat(grad[0]).isFinite().isNotZero();
  }
}

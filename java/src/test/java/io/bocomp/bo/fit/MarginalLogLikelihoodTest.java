package io.bocomp.bo.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.bo.model.GaussianProcess;
import io.bocomp.bo.model.GpHyperparameters;
import io.bocomp.bo.model.InputTransform;
import io.bocomp.bo.model.Kernel;
import io.bocomp.bo.model.Matern32Kernel;
import io.bocomp.bo.model.Matern52Kernel;
import io.bocomp.bo.model.PosteriorPoint;
import io.bocomp.bo.model.RbfKernel;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MarginalLogLikelihoodTest {
  @Provide
  Arbitrary<Kernel> kernels() {
    return Arbitraries.of(new Matern52Kernel(), new Matern32Kernel(), new RbfKernel());
  }

  static MarginalLogLikelihood mll(Kernel k, int n, int d, boolean learn, SplittableRandom rng) {
    double[] x = new double[n * d];
    double[] y = new double[n];
    double[] noise = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = rng.nextDouble();
      }
      y[i] = Math.cos(4 * x[i * d]) + 0.1 * rng.nextDouble();
      noise[i] = rng.nextDouble(0, 0.01);
    }
    return new MarginalLogLikelihood(k, HyperparameterPriors.defaults(), learn, x, y, noise, n, d);
  }

  @Property(tries = 40, seed = "20240501")
  void gradientMatchesCentralDifferences(@ForAll("kernels") Kernel kernel,
      @ForAll @IntRange(min = 2, max = 25) int n, @ForAll @IntRange(min = 1, max = 5) int d,
      @ForAll boolean learnNoise, @ForAll @IntRange(min = 0, max = 10_000) int seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    MarginalLogLikelihood f = mll(kernel, n, d, learnNoise, rng);
    double[] t = new double[f.dimension()];
    for (int i = 0; i < t.length; i++) {
      t[i] = rng.nextDouble(-1.5, 0.5);
    }
    double[] g = new double[t.length];
    double v = f.valueAndGradient(t, g);
    assertThat(v).isFinite();
    double h = 1e-5;
    double[] tmp = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      double[] tp = t.clone();
      double[] tm = t.clone();
      tp[i] += h;
      tm[i] -= h;
      double fd = (f.valueAndGradient(tp, tmp) - f.valueAndGradient(tm, tmp)) / (2 * h);
      assertThat(g[i]).as("parameter %d of %d", i, t.length).isCloseTo(fd, within(1e-5 * (1 + Math.abs(fd))));
    }
  }

  @Test
  void lossIsNegativeLogMarginalLikelihoodPlusPriorsPerPoint() {
    // closed form for n = 1: y ~ N(c, s² + noise)
    double[] x = {0.3};
    double[] y = {1.7};
    double[] noise = {0.25};
    MarginalLogLikelihood f = new MarginalLogLikelihood(new Matern52Kernel(), HyperparameterPriors.defaults(), false,
        x, y, noise, 1, 1);
    double l = 0.4;
    double s2 = 2.0;
    double c = 0.5;
    double[] g = new double[3];
    double v = f.valueAndGradient(new double[] {Math.log(l), Math.log(s2), c}, g);
    double var = s2 + 0.25;
    double nll = 0.5 * (1.7 - c) * (1.7 - c) / var + 0.5 * Math.log(var) + 0.5 * Math.log(2 * Math.PI);
    double prior = GammaPrior.lengthscaleDefault().logDensity(l) + GammaPrior.outputscaleDefault().logDensity(s2);
    assertThat(v).isCloseTo(nll - prior, within(1e-12));
  }

  @Test
  void mapFitRecoversAShortLengthscaleAlongTheActiveDimensionOnly() {
    SplittableRandom rng = new SplittableRandom(7);
    int n = 40;
    int d = 3;
    double[] x = new double[n * d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = rng.nextDouble();
      }
      y[i] = Math.sin(8 * x[i * d]);
    }
    double mean = 0;
    for (double v : y) {
      mean += v / n;
    }
    double sd = 0;
    for (double v : y) {
      sd += (v - mean) * (v - mean) / (n - 1);
    }
    sd = Math.sqrt(sd);
    for (int i = 0; i < n; i++) {
      y[i] = (y[i] - mean) / sd;
    }
    MarginalLogLikelihood f = new MarginalLogLikelihood(new Matern52Kernel(), HyperparameterPriors.defaults(), false,
        x, y, new double[n], n, d);
    MapFitter.Fit fit = MapFitter.defaults().fit(f, null, 3, new SplittableRandom(1));
    GpHyperparameters hp = fit.hyperparameters();
    assertThat(hp.lengthscale(0)).isLessThan(0.5);
    assertThat(hp.lengthscale(1)).isGreaterThan(2 * hp.lengthscale(0));
    assertThat(hp.lengthscale(2)).isGreaterThan(2 * hp.lengthscale(0));
    // the fitted GP predicts held-out points well
    InputTransform tf = new InputTransform(new double[d], new double[] {1, 1, 1}, new boolean[d]);
    GaussianProcess gp = GaussianProcess.condition(new Matern52Kernel(), hp, tf, x, y, new double[n], n);
    PosteriorPoint p = gp.newPosteriorPoint();
    double sse = 0;
    for (int t = 0; t < 50; t++) {
      double[] u = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
      gp.predict(u, p, false, null);
      double truth = (Math.sin(8 * u[0]) - mean) / sd;
      sse += (p.mean - truth) * (p.mean - truth);
    }
    assertThat(Math.sqrt(sse / 50)).isLessThan(0.1);
  }
}

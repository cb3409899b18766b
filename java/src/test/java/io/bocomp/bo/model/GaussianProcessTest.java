package io.bocomp.bo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/** Property tests of the GP posterior: symmetry, PSD, interpolation, gradients, batch = single. */
class GaussianProcessTest {
  record Setup(GaussianProcess gp, double[] x, double[] y, int n, int d, SplittableRandom rng) {}

  @Provide
  Arbitrary<Kernel> kernels() {
    return Arbitraries.of(new Matern52Kernel(), new Matern32Kernel(), new RbfKernel());
  }

  static Setup setup(Kernel kernel, int n, int d, long seed, boolean noisy, boolean integers) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] lo = new double[d];
    double[] hi = new double[d];
    boolean[] isInt = new boolean[d];
    for (int j = 0; j < d; j++) {
      hi[j] = 1;
      if (integers && j == 0) {
        isInt[j] = true;
        hi[j] = 6;
      }
    }
    InputTransform tf = new InputTransform(lo, hi, isInt);
    double[] x = new double[n * d];
    double[] y = new double[n];
    double[] noise = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = rng.nextDouble();
      }
      y[i] = Math.sin(5 * x[i * d]) + (d > 1 ? x[i * d + 1] * x[i * d + 1] : 0);
      noise[i] = noisy ? rng.nextDouble(1e-4, 1e-2) : 0;
    }
    double[] l = new double[d];
    for (int j = 0; j < d; j++) {
      l[j] = rng.nextDouble(0.2, 1.5);
    }
    GpHyperparameters hp = new GpHyperparameters(l, rng.nextDouble(0.5, 2), rng.nextDouble(-0.5, 0.5), 0);
    return new Setup(GaussianProcess.condition(kernel, hp, tf, x, y, noise, n), x, y, n, d, rng);
  }

  @Property(tries = 30, seed = "1234567")
  void jointCovarianceIsSymmetricPsdAndMatchesPointwise(@ForAll("kernels") Kernel kernel,
      @ForAll @IntRange(min = 1, max = 25) int n, @ForAll @IntRange(min = 1, max = 5) int d,
      @ForAll @IntRange(min = 0, max = 1000) int seed) {
    Setup s = setup(kernel, n, d, seed, seed % 2 == 0, false);
    int m = 12;
    double[] pts = new double[m * d];
    for (int i = 0; i < pts.length; i++) {
      pts[i] = s.rng().nextDouble();
    }
    double[] mean = new double[m];
    double[] cov = new double[m * m];
    s.gp().jointPosterior(pts, m, mean, cov);
    double[][] c2 = new double[m][m];
    PosteriorPoint p = s.gp().newPosteriorPoint();
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        assertThat(cov[a * m + b]).isEqualTo(cov[b * m + a]);
        c2[a][b] = cov[a * m + b];
      }
      double[] u = java.util.Arrays.copyOfRange(pts, a * d, a * d + d);
      s.gp().predict(u, p, false, null);
      assertThat(mean[a]).isCloseTo(p.mean, within(1e-9));
      assertThat(Math.max(cov[a * m + a], 1e-12 * s.gp().hyperparameters().outputscale()))
          .isCloseTo(p.variance, within(1e-8));
    }
    double[] eig = new EigenDecomposition(new Array2DRowRealMatrix(c2)).getRealEigenvalues();
    for (double e : eig) {
      assertThat(e).isGreaterThan(-1e-8);
    }
  }

  @Property(tries = 20, seed = "1234567")
  void interpolatesNoiselessData(@ForAll("kernels") Kernel kernel, @ForAll @IntRange(min = 1, max = 20) int n,
      @ForAll @IntRange(min = 1, max = 4) int d, @ForAll @IntRange(min = 0, max = 1000) int seed) {
    Setup s = setup(kernel, n, d, seed, false, false);
    PosteriorPoint p = s.gp().newPosteriorPoint();
    for (int i = 0; i < n; i++) {
      s.gp().predict(s.gp().trainingInput(i), p, false, null);
      assertThat(p.mean).isCloseTo(s.y()[i], within(1e-5));
      assertThat(p.variance).isLessThan(1e-5);
    }
  }

  @Property(tries = 30, seed = "1234567")
  void gradientsMatchFiniteDifferences(@ForAll("kernels") Kernel kernel,
      @ForAll @IntRange(min = 2, max = 15) int n, @ForAll @IntRange(min = 1, max = 4) int d,
      @ForAll @IntRange(min = 0, max = 1000) int seed) {
    Setup s = setup(kernel, n, d, seed, true, false);
    GaussianProcess gp = s.gp();
    double[] u = new double[d];
    double[] ref = new double[d];
    for (int j = 0; j < d; j++) {
      u[j] = s.rng().nextDouble(0.05, 0.95);
      ref[j] = s.rng().nextDouble();
    }
    GaussianProcess.Reference r = gp.reference(ref);
    PosteriorPoint p = gp.newPosteriorPoint();
    gp.predict(u, p, true, r);
    double[] gm = p.meanGradient.clone();
    double[] gv = p.varianceGradient.clone();
    double[] gc = p.covarianceGradient.clone();
    double h = 1e-6;
    for (int j = 0; j < d; j++) {
      double[] up = u.clone();
      double[] um = u.clone();
      up[j] += h;
      um[j] -= h;
      gp.predict(up, p, false, r);
      double mp = p.mean;
      double vp = p.variance;
      double cp = p.covariance;
      gp.predict(um, p, false, r);
      double scale = 1e-4 * (1 + Math.abs(gm[j]) + Math.abs(gv[j]) + Math.abs(gc[j]));
      assertThat(gm[j]).as("mean gradient %d", j).isCloseTo((mp - p.mean) / (2 * h), within(scale));
      assertThat(gv[j]).as("variance gradient %d", j).isCloseTo((vp - p.variance) / (2 * h), within(scale));
      assertThat(gc[j]).as("covariance gradient %d", j).isCloseTo((cp - p.covariance) / (2 * h), within(scale));
    }
  }

  @Property(tries = 20, seed = "1234567")
  void batchPredictionEqualsPointwiseAndReferenceCovariance(@ForAll("kernels") Kernel kernel,
      @ForAll @IntRange(min = 1, max = 30) int n, @ForAll @IntRange(min = 1, max = 4) int d,
      @ForAll @IntRange(min = 1, max = 300) int m, @ForAll @IntRange(min = 0, max = 1000) int seed) {
    Setup s = setup(kernel, n, d, seed, true, seed % 3 == 0);
    double[] pts = new double[m * d];
    for (int i = 0; i < pts.length; i++) {
      pts[i] = s.rng().nextDouble();
    }
    GaussianProcess.Reference r = s.gp().reference(java.util.Arrays.copyOf(pts, d));
    double[] mean = new double[m];
    double[] var = new double[m];
    double[] cov = new double[m];
    s.gp().predictBatch(pts, m, r, mean, var, cov);
    PosteriorPoint p = s.gp().newPosteriorPoint();
    for (int c = 0; c < m; c++) {
      s.gp().predict(java.util.Arrays.copyOfRange(pts, c * d, c * d + d), p, false, r);
      assertThat(mean[c]).isCloseTo(p.mean, within(1e-10));
      assertThat(var[c]).isCloseTo(p.variance, within(1e-10));
      assertThat(cov[c]).isCloseTo(p.covariance, within(1e-10));
    }
    assertThat(cov[0]).as("covariance of the reference with itself is its variance").isCloseTo(var[0], within(1e-10));
  }

  @Property(tries = 15, seed = "1234567")
  void trainingMeansEqualPointwisePredictions(@ForAll("kernels") Kernel kernel,
      @ForAll @IntRange(min = 1, max = 25) int n, @ForAll @IntRange(min = 1, max = 4) int d,
      @ForAll @IntRange(min = 0, max = 1000) int seed) {
    Setup s = setup(kernel, n, d, seed, true, seed % 2 == 0);
    double[] means = s.gp().trainingMeans();
    PosteriorPoint p = s.gp().newPosteriorPoint();
    for (int i = 0; i < n; i++) {
      s.gp().predict(s.gp().trainingInput(i), p, false, null);
      assertThat(means[i]).isCloseTo(p.mean, within(1e-10));
    }
  }

  @Property(tries = 15, seed = "1234567")
  void conditioningIncrementallyEqualsConditioningAtOnce(@ForAll("kernels") Kernel kernel,
      @ForAll @IntRange(min = 2, max = 20) int n, @ForAll @IntRange(min = 1, max = 4) int d,
      @ForAll @IntRange(min = 0, max = 1000) int seed) {
    Setup s = setup(kernel, n, d, seed, true, false);
    GaussianProcess gp = s.gp();
    double[] extra = new double[d];
    for (int j = 0; j < d; j++) {
      extra[j] = s.rng().nextDouble();
    }
    GaussianProcess inc = gp.conditionedOn(extra, 0.3, 1e-3);
    double[] x2 = java.util.Arrays.copyOf(s.x(), (n + 1) * d);
    System.arraycopy(extra, 0, x2, n * d, d);
    double[] y2 = java.util.Arrays.copyOf(s.y(), n + 1);
    y2[n] = 0.3;
    double[] noise2 = new double[n + 1];
    for (int i = 0; i < n; i++) {
      noise2[i] = gp.trainingNoise(i);
    }
    noise2[n] = 1e-3;
    GaussianProcess full = GaussianProcess.condition(kernel, gp.hyperparameters(), gp.transform(), x2, y2, noise2, n + 1);
    PosteriorPoint a = inc.newPosteriorPoint();
    PosteriorPoint b = full.newPosteriorPoint();
    for (int t = 0; t < 5; t++) {
      double[] u = new double[d];
      for (int j = 0; j < d; j++) {
        u[j] = s.rng().nextDouble();
      }
      inc.predict(u, a, false, null);
      full.predict(u, b, false, null);
      assertThat(a.mean).isCloseTo(b.mean, within(1e-8));
      assertThat(a.variance).isCloseTo(b.variance, within(1e-8));
    }
  }

  @Property(tries = 10, seed = "1234567")
  void integerDimensionsArePiecewiseConstantWithZeroGradient(@ForAll @IntRange(min = 0, max = 1000) int seed) {
    Setup s = setup(new Matern52Kernel(), 10, 2, seed, true, true);
    GaussianProcess gp = s.gp();
    PosteriorPoint p = gp.newPosteriorPoint();
    // dimension 0 has 7 integer values 0..6: cells of width 1/7
    gp.predict(new double[] {3.1 / 7, 0.4}, p, true, null);
    double m1 = p.mean;
    assertThat(p.meanGradient[0]).isZero();
    assertThat(p.varianceGradient[0]).isZero();
    gp.predict(new double[] {3.9 / 7, 0.4}, p, false, null);
    assertThat(p.mean).isEqualTo(m1);
  }
}

package io.bocomp.bo.acquisition;

import io.bocomp.bo.model.GaussianProcess;
import io.bocomp.bo.model.PosteriorPoint;
import java.util.function.IntPredicate;

/**
 * The corrected noisy expected improvement: the improvement over the incumbent {@code x⁺} (the
 * training point of lowest posterior mean) is {@code f(x⁺) − f(x)}, a Gaussian with mean
 * {@code μ(x⁺) − μ(x)} and variance {@code σ̃² = σ²(x) + σ²(x⁺) − 2·Cov(x, x⁺)}, so
 * {@code EI = σ̃·h(z)} with {@code z = (μ(x⁺) − μ(x))/σ̃}. Unlike plug-in EI it accounts for the
 * incumbent's own uncertainty and its correlation with {@code x}, which matters with noisy
 * observations. In log scale (the default for optimization) the value is
 * {@code log σ̃ + log h(z)}, finite everywhere. Gradients flow through {@code μ}, {@code σ²} and
 * {@code Cov} (the incumbent is fixed).
 */
public final class NoisyExpectedImprovement implements AcquisitionFunction {
  private final GaussianProcess gp;
  private final GaussianProcess.Reference incumbent;
  private final boolean logScale;
  private final PosteriorPoint p;
  private final double floor;

  /**
   * @param incumbent unit-cube incumbent {@code x⁺}, see {@link #incumbentIndex}
   * @param logScale return {@code log EI} instead of {@code EI}
   */
  public NoisyExpectedImprovement(GaussianProcess gp, double[] incumbent, boolean logScale) {
    this.gp = gp;
    this.incumbent = gp.reference(incumbent);
    this.logScale = logScale;
    this.p = gp.newPosteriorPoint();
    this.floor = 1e-12 * gp.hyperparameters().outputscale();
  }

  /**
   * Index of the training point with the lowest posterior mean among those {@code eligible} accepts
   * (e.g. the observed-feasible ones), or −1 when none is eligible.
   */
  public static int incumbentIndex(GaussianProcess gp, IntPredicate eligible) {
    int n = gp.size();
    double[] mean = gp.trainingMeans();
    int best = -1;
    for (int i = 0; i < n; i++) {
      if (eligible.test(i) && (best < 0 || mean[i] < mean[best])) {
        best = i;
      }
    }
    return best;
  }

  @Override
  public int dimension() {
    return gp.dimension();
  }

  @Override
  public boolean isLogScale() {
    return logScale;
  }

  @Override
  public double value(double[] u) {
    gp.predict(u, p, false, incumbent);
    return utility(p.mean, p.variance, p.covariance);
  }

  private double utility(double mean, double var, double cov) {
    double s2 = Math.max(var + incumbent.variance() - 2 * cov, floor);
    double s = Math.sqrt(s2);
    double z = (incumbent.mean() - mean) / s;
    return logScale ? Math.log(s) + StandardNormal.logH(z) : s * StandardNormal.h(z);
  }

  @Override
  public double valueAndGradient(double[] u, double[] gradient) {
    gp.predict(u, p, true, incumbent);
    double raw = p.variance + incumbent.variance() - 2 * p.covariance;
    boolean clamped = raw < floor;
    double s = Math.sqrt(clamped ? floor : raw);
    double z = (incumbent.mean() - p.mean) / s;
    double dMean;
    double dSd;
    double v;
    if (logScale) {
      double dz = StandardNormal.logHDerivative(z);
      dMean = -dz / s;
      dSd = (1 - z * dz) / s;
      v = Math.log(s) + StandardNormal.logH(z);
    } else {
      dMean = -StandardNormal.cdf(z);
      dSd = StandardNormal.pdf(z);
      v = s * StandardNormal.h(z);
    }
    double dS2 = clamped ? 0 : dSd / (2 * s);
    for (int j = 0; j < gradient.length; j++) {
      gradient[j] = dMean * p.meanGradient[j] + dS2 * (p.varianceGradient[j] - 2 * p.covarianceGradient[j]);
    }
    return v;
  }

  @Override
  public void values(double[] points, int m, double[] out) {
    double[] mean = new double[m];
    double[] var = new double[m];
    double[] cov = new double[m];
    gp.predictBatch(points, m, incumbent, mean, var, cov);
    for (int c = 0; c < m; c++) {
      out[c] = utility(mean[c], var[c], cov[c]);
    }
  }
}

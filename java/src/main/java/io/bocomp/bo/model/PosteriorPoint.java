package io.bocomp.bo.model;

/**
 * Caller-owned result and scratch space for {@link GaussianProcess#predict}: the posterior mean and
 * variance at one point, their gradients, and (when a {@link GaussianProcess.Reference} is given) the
 * posterior covariance with the reference point and its gradient. Reusing one instance per thread
 * keeps the acquisition hot path free of allocation. Gradients along integer dimensions are zero.
 */
public final class PosteriorPoint {
  public double mean;
  public double variance;
  public double covariance;
  public double[] meanGradient = new double[0];
  public double[] varianceGradient = new double[0];
  public double[] covarianceGradient = new double[0];

  double[] rounded = new double[0];
  double[] scaled = new double[0];
  double[] r2 = new double[0];
  double[] k = new double[0];
  double[] g = new double[0];
  double[] v = new double[0];
  double[] w = new double[0];

  void ensure(int n, int d) {
    if (meanGradient.length != d) {
      meanGradient = new double[d];
      varianceGradient = new double[d];
      covarianceGradient = new double[d];
      rounded = new double[d];
      scaled = new double[d];
    }
    if (k.length < n) {
      int c = Math.max(n, 2 * k.length);
      r2 = new double[c];
      k = new double[c];
      g = new double[c];
      v = new double[c];
      w = new double[c];
    }
  }
}

package io.bocomp.bo.acquisition;

import io.bocomp.bo.model.GaussianProcess;
import io.bocomp.bo.model.PosteriorPoint;

/**
 * Base of acquisitions that depend on the posterior only through the mean {@code μ(x)} and standard
 * deviation {@code σ(x)} of one GP: a subclass supplies {@code u(μ, σ)} and its two partial
 * derivatives, and gets pointwise values, chain-rule gradients and batched values (one
 * multi-right-hand-side solve per block of candidates) from here.
 */
public abstract class PosteriorMomentAcquisition implements AcquisitionFunction {
  protected final GaussianProcess gp;
  private final PosteriorPoint p;
  private final double[] partial = new double[2];

  protected PosteriorMomentAcquisition(GaussianProcess gp) {
    this.gp = gp;
    this.p = gp.newPosteriorPoint();
  }

  /**
   * The utility at posterior mean {@code mean} and standard deviation {@code sd > 0}; when
   * {@code partial} is non-null, writes {@code ∂u/∂μ} to {@code partial[0]} and {@code ∂u/∂σ} to
   * {@code partial[1]}.
   */
  protected abstract double utility(double mean, double sd, double[] partial);

  @Override
  public int dimension() {
    return gp.dimension();
  }

  @Override
  public double value(double[] u) {
    gp.predict(u, p, false, null);
    return utility(p.mean, Math.sqrt(p.variance), null);
  }

  @Override
  public double valueAndGradient(double[] u, double[] gradient) {
    gp.predict(u, p, true, null);
    double sd = Math.sqrt(p.variance);
    double v = utility(p.mean, sd, partial);
    double dm = partial[0];
    double dv = partial[1] / (2 * sd);
    for (int j = 0; j < gradient.length; j++) {
      gradient[j] = dm * p.meanGradient[j] + dv * p.varianceGradient[j];
    }
    return v;
  }

  @Override
  public void values(double[] points, int m, double[] out) {
    double[] mean = new double[m];
    double[] var = new double[m];
    gp.predictBatch(points, m, null, mean, var, null);
    for (int c = 0; c < m; c++) {
      out[c] = utility(mean[c], Math.sqrt(var[c]), null);
    }
  }
}

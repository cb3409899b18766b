package io.bocomp.bo.fit;

import io.bocomp.bo.model.CholeskyFactor;
import io.bocomp.bo.model.GpHyperparameters;
import io.bocomp.bo.model.Kernel;
import io.bocomp.bo.model.ModelFittingException;
import io.bocomp.bo.optim.DifferentiableFunction;

/**
 * The MAP loss of GP hyperparameters, {@code (−log p(y | θ) − log p(θ)) / n}, with its analytic
 * gradient, as a {@link DifferentiableFunction} of the log-scale parameter vector
 * {@code θ = [log ℓ₁ … log ℓ_d, log s², c, (log σ²_noise)]}.
 *
 * <p>One evaluation builds {@code K = s²κ + diag(noise)} ({@code n²d/2}), factors it
 * ({@code n³/6}), forms {@code K⁻¹} ({@code n³/3}) and {@code W = K⁻¹ − ααᵀ}, and accumulates
 * {@code ∂/∂θ = ½ tr(W ∂K/∂θ)}: {@code ∂K_ab/∂log ℓ_j = s²κ'(r²_ab)·(−2Δ²_abj/ℓ_j²)},
 * {@code ∂K/∂log s² = s²κ}, {@code ∂K/∂log σ² = σ²I}, and {@code ∂/∂c = −Σα}. A kernel matrix that
 * cannot be factored gives {@code +∞} (the line search backs off). The inputs must already be
 * rounded by the model's input transform. Holds scratch buffers: not thread-safe.
 */
public final class MarginalLogLikelihood implements DifferentiableFunction {
  /** Log-scale bounds: lengthscale in [1e-3, 30], outputscale in [1e-3, 1e3], noise in [1e-6, 10]. */
  private static final double LOG_L_MIN = Math.log(1e-3);
  private static final double LOG_L_MAX = Math.log(30);
  private static final double LOG_S_MIN = Math.log(1e-3);
  private static final double LOG_S_MAX = Math.log(1e3);
  private static final double MEAN_MAX = 10;
  private static final double LOG_N_MIN = Math.log(1e-6);
  private static final double LOG_N_MAX = Math.log(10);
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private final Kernel kernel;
  private final HyperparameterPriors priors;
  private final boolean learnNoise;
  private final int n;
  private final int d;
  private final double[] x;
  private final double[] y;
  private final double[] noise;

  private final double[] xs;
  private final double[] k;
  private final double[] kd;
  private final double[] kinv;
  private final double[] alpha;
  private final double[] r2;
  private final double[] cv;
  private final double[] cd;
  private final double[] gl;
  private final double[] scratch;
  private CholeskyFactor factor;
  private int evaluations;

  /**
   * @param x {@code n×d} row-major rounded unit-cube inputs (not copied; must not change)
   * @param y standardized targets
   * @param noise fixed noise variances, standardized
   */
  public MarginalLogLikelihood(Kernel kernel, HyperparameterPriors priors, boolean learnNoise, double[] x,
      double[] y, double[] noise, int n, int d) {
    if (n < 1) {
      throw new IllegalArgumentException("need at least one observation");
    }
    this.kernel = kernel;
    this.priors = priors;
    this.learnNoise = learnNoise;
    this.n = n;
    this.d = d;
    this.x = x;
    this.y = y;
    this.noise = noise;
    this.xs = new double[n * d];
    this.k = new double[n * n];
    this.kd = new double[n * n];
    this.kinv = new double[n * n];
    this.alpha = new double[n];
    this.r2 = new double[n];
    this.cv = new double[n];
    this.cd = new double[n];
    this.gl = new double[d];
    this.scratch = new double[n * n];
  }

  @Override
  public int dimension() {
    return d + 2 + (learnNoise ? 1 : 0);
  }

  /** Input dimension {@code d} (the number of lengthscales). */
  public int inputDimension() {
    return d;
  }

  public HyperparameterPriors priors() {
    return priors;
  }

  /** Number of loss evaluations so far. */
  public int evaluations() {
    return evaluations;
  }

  public double[] lowerBounds() {
    double[] lo = new double[dimension()];
    for (int j = 0; j < d; j++) {
      lo[j] = LOG_L_MIN;
    }
    lo[d] = LOG_S_MIN;
    lo[d + 1] = -MEAN_MAX;
    if (learnNoise) {
      lo[d + 2] = LOG_N_MIN;
    }
    return lo;
  }

  public double[] upperBounds() {
    double[] hi = new double[dimension()];
    for (int j = 0; j < d; j++) {
      hi[j] = LOG_L_MAX;
    }
    hi[d] = LOG_S_MAX;
    hi[d + 1] = MEAN_MAX;
    if (learnNoise) {
      hi[d + 2] = LOG_N_MAX;
    }
    return hi;
  }

  /** The parameter vector of {@code hp}, clamped to the bounds. */
  public double[] toParameters(GpHyperparameters hp) {
    double[] t = new double[dimension()];
    double[] lo = lowerBounds();
    double[] hi = upperBounds();
    for (int j = 0; j < d; j++) {
      t[j] = Math.log(hp.lengthscale(j));
    }
    t[d] = Math.log(hp.outputscale());
    t[d + 1] = hp.mean();
    if (learnNoise) {
      t[d + 2] = Math.log(Math.max(hp.learnedNoise(), 1e-6));
    }
    for (int i = 0; i < t.length; i++) {
      t[i] = Math.min(hi[i], Math.max(lo[i], t[i]));
    }
    return t;
  }

  public GpHyperparameters toHyperparameters(double[] theta) {
    double[] l = new double[d];
    for (int j = 0; j < d; j++) {
      l[j] = Math.exp(theta[j]);
    }
    return new GpHyperparameters(l, Math.exp(theta[d]), theta[d + 1], learnNoise ? Math.exp(theta[d + 2]) : 0.0);
  }

  @Override
  public double valueAndGradient(double[] theta, double[] grad) {
    evaluations++;
    double s2 = Math.exp(theta[d]);
    double c = theta[d + 1];
    double sn2 = learnNoise ? Math.exp(theta[d + 2]) : 0.0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        xs[i * d + j] = x[i * d + j] * Math.exp(-theta[j]);
      }
    }
    for (int a = 0; a < n; a++) {
      int ra = a * n;
      k[ra + a] = s2 + noise[a] + sn2;
      int cnt = 0;
      for (int b = a + 1; b < n; b++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          double t = xs[a * d + j] - xs[b * d + j];
          s += t * t;
        }
        r2[cnt++] = s;
      }
      kernel.correlationAndDerivative(r2, cnt, cv, cd);
      for (int b = a + 1, q = 0; b < n; b++, q++) {
        k[ra + b] = s2 * cv[q];
        kd[ra + b] = cd[q];
      }
    }
    CholeskyFactor chol;
    try {
      chol = CholeskyFactor.factor(k, n, n, factor);
      factor = chol;
    } catch (ModelFittingException e) {
      factor = null;
      return Double.POSITIVE_INFINITY;
    }
    for (int i = 0; i < n; i++) {
      alpha[i] = y[i] - c;
    }
    chol.solveLowerInPlace(alpha);
    double quad = 0;
    for (int i = 0; i < n; i++) {
      quad += alpha[i] * alpha[i];
    }
    chol.solveUpperInPlace(alpha);
    double nll = 0.5 * quad + 0.5 * chol.logDeterminant() + n * HALF_LOG_2PI;
    chol.inverse(kinv, scratch);

    double gs = 0;
    double gn = 0;
    double gc = 0;
    java.util.Arrays.fill(gl, 0.0);
    for (int a = 0; a < n; a++) {
      int ra = a * n;
      double aa = alpha[a];
      double waa = kinv[ra + a] - aa * aa;
      gs += 0.5 * waa * s2;
      gn += 0.5 * waa * sn2;
      gc -= aa;
      int xa = a * d;
      for (int b = a + 1; b < n; b++) {
        double w = kinv[ra + b] - aa * alpha[b];
        gs += w * k[ra + b];
        double t = w * kd[ra + b];
        int xb = b * d;
        for (int j = 0; j < d; j++) {
          double diff = xs[xa + j] - xs[xb + j];
          gl[j] += t * diff * diff;
        }
      }
    }
    double loss = nll;
    for (int j = 0; j < d; j++) {
      double l = Math.exp(theta[j]);
      loss -= priors.lengthscale().logDensity(l);
      grad[j] = -2 * s2 * gl[j] - priors.lengthscale().logDensityDerivativeInLog(l);
    }
    loss -= priors.outputscale().logDensity(s2);
    grad[d] = gs - priors.outputscale().logDensityDerivativeInLog(s2);
    grad[d + 1] = gc;
    if (learnNoise) {
      loss -= priors.noise().logDensity(sn2);
      grad[d + 2] = gn - priors.noise().logDensityDerivativeInLog(sn2);
    }
    double inv = 1.0 / n;
    for (int i = 0; i < grad.length; i++) {
      grad[i] *= inv;
    }
    return loss * inv;
  }
}

package io.bocomp.bo.model;

import java.util.Arrays;

/**
 * Exact GP posterior conditioned on training data, in model units: inputs in the unit cube
 * (integer dimensions snapped by the {@link InputTransform}), standardized outputs, per-observation
 * noise variances. Prior {@code f ~ GP(c, s²·κ(r²))} with an ARD {@link Kernel}; observation noise on
 * the diagonal is the fixed per-point variance plus the learned homoscedastic one.
 *
 * <p>Conditioning factors {@code K = s²·κ(X, X) + diag(noise)} with {@link CholeskyFactor} and keeps
 * {@code α = K⁻¹(y − c)}; a prediction costs {@code O(n·d)} for the cross-covariances plus
 * {@code O(n²/2)} for one triangular solve (another for gradients). {@link #conditionedOn} adds one
 * observation in {@code O(n²)} by bordering the factor: the incremental update used between
 * hyperparameter refits and for Kriging-believer fantasies.
 *
 * <p>Knows nothing of acquisitions. Immutable; concurrent predictions with separate {@link
 * PosteriorPoint}s are safe.
 */
public final class GaussianProcess {
  private final Kernel kernel;
  private final GpHyperparameters hp;
  private final InputTransform transform;
  private final int n;
  private final int d;
  private final double[] x;
  private final double[] xScaled;
  private final double[] y;
  private final double[] noise;
  private final double[] invLength;
  private final double[] invLength2;
  private final double outputscale;
  private final CholeskyFactor chol;
  private final double[] alpha;

  private GaussianProcess(Kernel kernel, GpHyperparameters hp, InputTransform transform, int n, double[] x,
      double[] y, double[] noise, CholeskyFactor chol) {
    this.kernel = kernel;
    this.hp = hp;
    this.transform = transform;
    this.n = n;
    this.d = transform.dimension();
    this.x = x;
    this.y = y;
    this.noise = noise;
    this.outputscale = hp.outputscale();
    this.invLength = new double[d];
    this.invLength2 = new double[d];
    for (int j = 0; j < d; j++) {
      invLength[j] = 1.0 / hp.lengthscale(j);
      invLength2[j] = invLength[j] * invLength[j];
    }
    this.xScaled = new double[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        xScaled[i * d + j] = x[i * d + j] * invLength[j];
      }
    }
    this.chol = chol;
    this.alpha = new double[n];
    double c = hp.mean();
    for (int i = 0; i < n; i++) {
      alpha[i] = y[i] - c;
    }
    chol.solveLowerInPlace(alpha);
    chol.solveUpperInPlace(alpha);
  }

  /**
   * Conditions the prior on {@code n} observations.
   *
   * @param x {@code n×d} row-major unit-cube inputs; they are rounded by {@code transform} (copied)
   * @param y standardized targets
   * @param noise fixed noise variance of each observation in standardized units ({@code ≥ 0})
   * @throws ModelFittingException when the kernel matrix cannot be factored
   */
  public static GaussianProcess condition(Kernel kernel, GpHyperparameters hp, InputTransform transform,
      double[] x, double[] y, double[] noise, int n) {
    int d = transform.dimension();
    if (hp.dimension() != d) {
      throw new IllegalArgumentException("hyperparameters for " + hp.dimension() + " dims, transform has " + d);
    }
    double[] xr = new double[n * d];
    double[] row = new double[d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, i * d, row, 0, d);
      transform.round(row, row);
      System.arraycopy(row, 0, xr, i * d, d);
    }
    double[] k = kernelMatrix(kernel, hp, xr, noise, n, d);
    CholeskyFactor chol = CholeskyFactor.factor(k, n, n + 8);
    return new GaussianProcess(kernel, hp, transform, n, xr, Arrays.copyOf(y, n), Arrays.copyOf(noise, n), chol);
  }

  /** {@code s²·κ(X, X) + diag(noise + learned noise)}, full symmetric {@code n×n}. */
  static double[] kernelMatrix(Kernel kernel, GpHyperparameters hp, double[] x, double[] noise, int n, int d) {
    double[] inv = new double[d];
    for (int j = 0; j < d; j++) {
      inv[j] = 1.0 / hp.lengthscale(j);
    }
    double s2 = hp.outputscale();
    double[] k = new double[n * n];
    for (int a = 0; a < n; a++) {
      k[a * n + a] = s2 + noise[a] + hp.learnedNoise();
      for (int b = a + 1; b < n; b++) {
        double r2 = 0;
        for (int j = 0; j < d; j++) {
          double t = (x[a * d + j] - x[b * d + j]) * inv[j];
          r2 += t * t;
        }
        double v = s2 * kernel.correlation(r2);
        k[a * n + b] = v;
        k[b * n + a] = v;
      }
    }
    return k;
  }

  /**
   * This posterior with one more observation, in {@code O(n²)}: the Cholesky factor is bordered
   * (refactored from scratch with escalating jitter only if the bordered factor loses definiteness).
   *
   * @param u unit-cube input (rounded by the transform)
   * @param yNew standardized target
   * @param noiseNew fixed noise variance in standardized units
   */
  public GaussianProcess conditionedOn(double[] u, double yNew, double noiseNew) {
    double[] ur = new double[d];
    transform.round(u, ur);
    double[] x2 = Arrays.copyOf(x, (n + 1) * d);
    System.arraycopy(ur, 0, x2, n * d, d);
    double[] y2 = Arrays.copyOf(y, n + 1);
    y2[n] = yNew;
    double[] noise2 = Arrays.copyOf(noise, n + 1);
    noise2[n] = noiseNew;
    double[] cross = new double[n];
    for (int i = 0; i < n; i++) {
      cross[i] = outputscale * kernel.correlation(scaledDistance2(ur, i));
    }
    CholeskyFactor c = chol.copy(8);
    if (!c.append(cross, outputscale + noiseNew + hp.learnedNoise())) {
      c = CholeskyFactor.factor(kernelMatrix(kernel, hp, x2, noise2, n + 1, d), n + 1, n + 9);
    }
    return new GaussianProcess(kernel, hp, transform, n + 1, x2, y2, noise2, c);
  }

  private double scaledDistance2(double[] ur, int i) {
    double r2 = 0;
    int ri = i * d;
    for (int j = 0; j < d; j++) {
      double t = (ur[j] - x[ri + j]) * invLength[j];
      r2 += t * t;
    }
    return r2;
  }

  public int size() {
    return n;
  }

  public int dimension() {
    return d;
  }

  public Kernel kernel() {
    return kernel;
  }

  public GpHyperparameters hyperparameters() {
    return hp;
  }

  public InputTransform transform() {
    return transform;
  }

  /** The jitter the factorization needed (absolute, standardized units). */
  public double jitter() {
    return chol.jitter();
  }

  /** A copy of training input {@code i} (rounded unit-cube coordinates). */
  public double[] trainingInput(int i) {
    return Arrays.copyOfRange(x, i * d, (i + 1) * d);
  }

  /** Standardized training target {@code i}. */
  public double trainingTarget(int i) {
    return y[i];
  }

  /** Fixed noise variance of training point {@code i} (standardized units). */
  public double trainingNoise(int i) {
    return noise[i];
  }

  /**
   * Posterior means at the training inputs, {@code c + s²κ(X, X)·α}: {@code O(n²d)}, no
   * triangular solve (incumbent selection needs no variances).
   */
  public double[] trainingMeans() {
    double[] mean = new double[n];
    double[] r2 = new double[n];
    double[] kv = new double[n];
    double[] kd = new double[n];
    for (int a = 0; a < n; a++) {
      int ra = a * d;
      for (int b = 0; b < n; b++) {
        double s = 0;
        int rb = b * d;
        for (int j = 0; j < d; j++) {
          double t = xScaled[ra + j] - xScaled[rb + j];
          s += t * t;
        }
        r2[b] = s;
      }
      kernel.correlationAndDerivative(r2, n, kv, kd);
      double m = 0;
      for (int b = 0; b < n; b++) {
        m += kv[b] * alpha[b];
      }
      mean[a] = hp.mean() + outputscale * m;
    }
    return mean;
  }

  /** Fresh scratch space sized for this GP. */
  public PosteriorPoint newPosteriorPoint() {
    PosteriorPoint p = new PosteriorPoint();
    p.ensure(n, d);
    return p;
  }

  /**
   * A fixed point {@code x⁺} whose posterior covariance with every prediction is wanted (the
   * incumbent of the corrected noisy EI, the reference of the certificate).
   */
  public Reference reference(double[] u) {
    PosteriorPoint p = newPosteriorPoint();
    predictInternal(u, p, false, null, true);
    return new Reference(p.rounded.clone(), Arrays.copyOf(p.v, n), Arrays.copyOf(p.w, n), p.mean, p.variance);
  }

  /** See {@link #reference}; {@code v = L⁻¹k(x⁺)}, {@code w = K⁻¹k(x⁺)}. */
  public static final class Reference {
    final double[] u;
    final double[] v;
    final double[] w;
    private final double mean;
    private final double variance;

    Reference(double[] u, double[] v, double[] w, double mean, double variance) {
      this.u = u;
      this.v = v;
      this.w = w;
      this.mean = mean;
      this.variance = variance;
    }

    /** The reference point (rounded). */
    public double[] point() {
      return u.clone();
    }

    public double mean() {
      return mean;
    }

    public double variance() {
      return variance;
    }
  }

  /**
   * Posterior mean and variance of the latent {@code f} at {@code u} (unit cube; integer dimensions
   * are rounded), with gradients when asked and the covariance with {@code ref} when non-null.
   */
  public void predict(double[] u, PosteriorPoint p, boolean gradient, Reference ref) {
    predictInternal(u, p, gradient, ref, false);
  }

  private void predictInternal(double[] u, PosteriorPoint p, boolean gradient, Reference ref, boolean needW) {
    p.ensure(n, d);
    double[] ur = p.rounded;
    transform.round(u, ur);
    double[] us = p.scaled;
    for (int j = 0; j < d; j++) {
      us[j] = ur[j] * invLength[j];
    }
    double[] r2 = p.r2;
    for (int i = 0; i < n; i++) {
      double s = 0;
      int ri = i * d;
      for (int j = 0; j < d; j++) {
        double t = us[j] - xScaled[ri + j];
        s += t * t;
      }
      r2[i] = s;
    }
    double[] k = p.k;
    double[] g = p.g;
    kernel.correlationAndDerivative(r2, n, k, g);
    double mean = hp.mean();
    double[] v = p.v;
    for (int i = 0; i < n; i++) {
      k[i] *= outputscale;
      g[i] *= outputscale;
      mean += alpha[i] * k[i];
      v[i] = k[i];
    }
    chol.solveLowerInPlace(v);
    double vv = 0;
    for (int i = 0; i < n; i++) {
      vv += v[i] * v[i];
    }
    double var = outputscale - vv;
    double floor = 1e-12 * outputscale;
    boolean clamped = var < floor;
    p.mean = mean;
    p.variance = clamped ? floor : var;
    double r2ref = 0;
    if (ref != null) {
      for (int j = 0; j < d; j++) {
        double t = (ur[j] - ref.u[j]) * invLength[j];
        r2ref += t * t;
      }
      double kv = 0;
      for (int i = 0; i < n; i++) {
        kv += v[i] * ref.v[i];
      }
      p.covariance = outputscale * kernel.correlation(r2ref) - kv;
    }
    if (!gradient && !needW) {
      return;
    }
    double[] w = p.w;
    System.arraycopy(v, 0, w, 0, n);
    chol.solveUpperInPlace(w);
    if (!gradient) {
      return;
    }
    double[] gm = p.meanGradient;
    double[] gv = p.varianceGradient;
    double[] gc = p.covarianceGradient;
    Arrays.fill(gm, 0.0);
    Arrays.fill(gv, 0.0);
    Arrays.fill(gc, 0.0);
    for (int i = 0; i < n; i++) {
      double cm = alpha[i] * g[i];
      double cv = w[i] * g[i];
      int ri = i * d;
      if (ref == null) {
        for (int j = 0; j < d; j++) {
          double diff = ur[j] - x[ri + j];
          gm[j] += cm * diff;
          gv[j] += cv * diff;
        }
      } else {
        double cc = ref.w[i] * g[i];
        for (int j = 0; j < d; j++) {
          double diff = ur[j] - x[ri + j];
          gm[j] += cm * diff;
          gv[j] += cv * diff;
          gc[j] += cc * diff;
        }
      }
    }
    double gref = ref == null ? 0 : outputscale * kernel.correlationDerivative(r2ref);
    for (int j = 0; j < d; j++) {
      if (transform.isInteger(j)) {
        gm[j] = 0;
        gv[j] = 0;
        gc[j] = 0;
        continue;
      }
      gm[j] *= 2 * invLength2[j];
      gv[j] = clamped ? 0 : -4 * gv[j] * invLength2[j];
      if (ref != null) {
        gc[j] = 2 * invLength2[j] * (gref * (ur[j] - ref.u[j]) - gc[j]);
      }
    }
  }

  /**
   * Posterior means, variances and (when {@code ref} is non-null) covariances with {@code ref} of
   * {@code m} points ({@code m×d} row-major), computed in blocks with a multi-right-hand-side
   * triangular solve; much faster per point than {@link #predict} for raw-sample scoring.
   *
   * @param cov ignored when {@code ref} is null
   */
  public void predictBatch(double[] points, int m, Reference ref, double[] mean, double[] var, double[] cov) {
    final int block = 128;
    double[] kt = new double[n * block];
    double[] pt = new double[d * block];
    double[] r2 = new double[block];
    double[] kv = new double[block];
    double[] kd = new double[block];
    double[] row = new double[d];
    double floor = 1e-12 * outputscale;
    for (int start = 0; start < m; start += block) {
      int b = Math.min(block, m - start);
      // candidates transposed (d × b) so that distances accumulate in loops over candidates
      for (int c = 0; c < b; c++) {
        System.arraycopy(points, (start + c) * d, row, 0, d);
        transform.round(row, row);
        for (int j = 0; j < d; j++) {
          pt[j * b + c] = row[j] * invLength[j];
        }
      }
      for (int i = 0; i < n; i++) {
        int ri = i * d;
        java.util.Arrays.fill(r2, 0, b, 0.0);
        for (int j = 0; j < d; j++) {
          double xij = xScaled[ri + j];
          int pj = j * b;
          for (int c = 0; c < b; c++) {
            double t = pt[pj + c] - xij;
            r2[c] += t * t;
          }
        }
        kernel.correlationAndDerivative(r2, b, kv, kd);
        int ki = i * b;
        for (int c = 0; c < b; c++) {
          kt[ki + c] = outputscale * kv[c];
        }
      }
      if (ref != null) {
        java.util.Arrays.fill(r2, 0, b, 0.0);
        for (int j = 0; j < d; j++) {
          double uj = ref.u[j] * invLength[j];
          int pj = j * b;
          for (int c = 0; c < b; c++) {
            double t = pt[pj + c] - uj;
            r2[c] += t * t;
          }
        }
        kernel.correlationAndDerivative(r2, b, kv, kd);
      }
      for (int c = 0; c < b; c++) {
        mean[start + c] = hp.mean();
        var[start + c] = outputscale;
        if (ref != null) {
          cov[start + c] = outputscale * kv[c];
        }
      }
      for (int i = 0; i < n; i++) {
        double a = alpha[i];
        int ki = i * b;
        for (int c = 0; c < b; c++) {
          mean[start + c] += a * kt[ki + c];
        }
      }
      chol.solveLowerInPlace(kt, b);
      for (int i = 0; i < n; i++) {
        int ki = i * b;
        double rv = ref == null ? 0 : ref.v[i];
        for (int c = 0; c < b; c++) {
          double t = kt[ki + c];
          var[start + c] -= t * t;
        }
        if (ref != null) {
          for (int c = 0; c < b; c++) {
            cov[start + c] -= rv * kt[ki + c];
          }
        }
      }
      for (int c = 0; c < b; c++) {
        if (var[start + c] < floor) {
          var[start + c] = floor;
        }
      }
    }
  }

  /**
   * Joint posterior of {@code f} at {@code m} points: fills {@code mean} ({@code m}) and the full
   * covariance {@code cov} ({@code m×m} row-major, symmetric). {@code O(n²m + nm²)}.
   */
  public void jointPosterior(double[] points, int m, double[] mean, double[] cov) {
    double[] pr = new double[m * d];
    double[] row = new double[d];
    for (int c = 0; c < m; c++) {
      System.arraycopy(points, c * d, row, 0, d);
      transform.round(row, row);
      for (int j = 0; j < d; j++) {
        pr[c * d + j] = row[j] * invLength[j];
      }
    }
    double[] kt = new double[n * m];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < m; c++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          double t = pr[c * d + j] - xScaled[i * d + j];
          s += t * t;
        }
        kt[i * m + c] = outputscale * kernel.correlation(s);
      }
    }
    for (int c = 0; c < m; c++) {
      mean[c] = hp.mean();
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < m; c++) {
        mean[c] += alpha[i] * kt[i * m + c];
      }
    }
    chol.solveLowerInPlace(kt, m);
    for (int a = 0; a < m; a++) {
      for (int b = a; b < m; b++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          double t = pr[a * d + j] - pr[b * d + j];
          s += t * t;
        }
        cov[a * m + b] = outputscale * kernel.correlation(s);
      }
    }
    for (int i = 0; i < n; i++) {
      int ki = i * m;
      for (int a = 0; a < m; a++) {
        double va = kt[ki + a];
        if (va == 0) {
          continue;
        }
        int ra = a * m;
        for (int b = a; b < m; b++) {
          cov[ra + b] -= va * kt[ki + b];
        }
      }
    }
    for (int a = 0; a < m; a++) {
      for (int b = a + 1; b < m; b++) {
        cov[b * m + a] = cov[a * m + b];
      }
    }
  }
}

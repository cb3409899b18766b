package io.bocomp.bo;

import io.bocomp.bo.fit.HyperparameterPriors;
import io.bocomp.bo.fit.MapFitter;
import io.bocomp.bo.fit.MarginalLogLikelihood;
import io.bocomp.bo.model.GaussianProcess;
import io.bocomp.bo.model.GpHyperparameters;
import io.bocomp.bo.model.InputTransform;
import io.bocomp.bo.model.Kernel;
import io.bocomp.bo.model.ModelFittingException;
import io.bocomp.bo.model.NoiseModel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.logging.Logger;

/**
 * Keeps the GP of one modelled output (the objective or one black-box constraint) current as
 * observations arrive: standardizes outputs, refits hyperparameters by MAP when the
 * {@link RefitPolicy} says so, and otherwise borders the Cholesky factor with the new points.
 *
 * <p>A failed fit ({@link ModelFittingException}) falls back to the last good hyperparameters, with
 * a WARNING log line; only when there are none does the exception propagate.
 *
 * <p>The posterior is a pure function of the observations and the persisted counters
 * ({@link SurrogateState}): after a resume it is rebuilt by conditioning on the first
 * {@code conditionedAt} points and appending the rest in order, exactly as the uninterrupted run
 * built it, so runs continue bit for bit. Not thread-safe.
 */
final class Surrogate {
  private static final Logger LOG = Logger.getLogger("io.bocomp.bo");

  private final String name;
  private final Kernel kernel;
  private final NoiseModel noise;
  private final HyperparameterPriors priors;
  private final MapFitter fitter;
  private final RefitPolicy policy;
  private final InputTransform transform;

  private GpHyperparameters hp;
  private int fittedAt;
  private int fullFitAt;
  private int conditionedAt;
  private int standardizedAt;
  private double center;
  private double scale = 1;
  private GaussianProcess gp;

  Surrogate(String name, Kernel kernel, NoiseModel noise, HyperparameterPriors priors, MapFitter fitter,
      RefitPolicy policy, InputTransform transform) {
    this.name = name;
    this.kernel = kernel;
    this.noise = noise;
    this.priors = priors;
    this.fitter = fitter;
    this.policy = policy;
    this.transform = transform;
  }

  String name() {
    return name;
  }

  /** A copy whose updates leave this one untouched (the GP itself is immutable and shared). */
  Surrogate copy() {
    Surrogate c = new Surrogate(name, kernel, noise, priors, fitter, policy, transform);
    c.hp = hp;
    c.fittedAt = fittedAt;
    c.fullFitAt = fullFitAt;
    c.conditionedAt = conditionedAt;
    c.standardizedAt = standardizedAt;
    c.center = center;
    c.scale = scale;
    c.gp = gp;
    return c;
  }

  /** Output standardization: {@code y_std = (y − center)/scale}. */
  double center() {
    return center;
  }

  double scale() {
    return scale;
  }

  /** The current posterior (null before the first {@link #update}). */
  GaussianProcess posterior() {
    return gp;
  }

  /**
   * Brings the posterior up to date with the first {@code n} observations.
   *
   * @param x {@code n×d} unit-cube inputs (integer dimensions rounded)
   * @param y raw output means
   * @param se raw standard errors (0 = exact)
   * @return the posterior, or null when {@code n == 0}
   * @throws ModelFittingException when fitting fails and no earlier hyperparameters exist
   */
  GaussianProcess update(double[] x, double[] y, double[] se, int n, SplittableRandom rng) {
    if (n == 0) {
      return null;
    }
    if (gp != null && gp.size() == n) {
      return gp;
    }
    int d = transform.dimension();
    if (hp == null || policy.refitDue(n, fittedAt)) {
      refit(x, y, se, n, rng);
      return gp;
    }
    if (gp == null || gp.size() > n) {
      standardize(y, standardizedAt);
      int m = Math.min(conditionedAt, n);
      gp = GaussianProcess.condition(kernel, hp, transform, x, standardized(y, m), noises(se, m), m);
    }
    for (int i = gp.size(); i < n; i++) {
      double[] u = Arrays.copyOfRange(x, i * d, (i + 1) * d);
      gp = gp.conditionedOn(u, (y[i] - center) / scale, noise.fixedVariance(se[i], scale));
    }
    return gp;
  }

  private void refit(double[] x, double[] y, double[] se, int n, SplittableRandom rng) {
    double oldCenter = center;
    double oldScale = scale;
    standardize(y, n);
    double[] ys = standardized(y, n);
    double[] ns = noises(se, n);
    boolean full = hp == null || policy.fullFitDue(n, fullFitAt);
    try {
      double[] xs = Arrays.copyOf(x, n * transform.dimension());
      MapFitter.Fit fit = fitter.fit(() -> new MarginalLogLikelihood(kernel, priors, noise.learnsHomoscedasticNoise(),
          xs, ys, ns, n, transform.dimension()), hp, full ? fitter.restarts() : 1, rng, true);
      GaussianProcess g = GaussianProcess.condition(kernel, fit.hyperparameters(), transform, x, ys, ns, n);
      hp = fit.hyperparameters();
      gp = g;
      fittedAt = n;
      if (full) {
        fullFitAt = n;
      }
      conditionedAt = n;
      standardizedAt = n;
    } catch (ModelFittingException e) {
      center = oldCenter;
      scale = oldScale;
      if (hp == null) {
        throw new ModelFittingException("GP of '" + name + "' could not be fitted on " + n + " observations: "
            + e.getMessage());
      }
      LOG.warning(() -> "GP of '" + name + "': fit on " + n + " observations failed (" + e.getMessage()
          + "); falling back to the last good hyperparameters from " + fittedAt + " observations");
      gp = GaussianProcess.condition(kernel, hp, transform, x, standardized(y, n), noises(se, n), n);
      conditionedAt = n;
    }
  }

  private void standardize(double[] y, int m) {
    double mean = 0;
    for (int i = 0; i < m; i++) {
      mean += y[i];
    }
    mean /= m;
    double ss = 0;
    for (int i = 0; i < m; i++) {
      ss += (y[i] - mean) * (y[i] - mean);
    }
    double sd = m > 1 ? Math.sqrt(ss / (m - 1)) : 0;
    center = mean;
    scale = sd > 0 && Double.isFinite(sd) ? sd : 1.0;
  }

  private double[] standardized(double[] y, int m) {
    double[] ys = new double[m];
    for (int i = 0; i < m; i++) {
      ys[i] = (y[i] - center) / scale;
    }
    return ys;
  }

  private double[] noises(double[] se, int m) {
    double[] v = new double[m];
    for (int i = 0; i < m; i++) {
      v[i] = noise.fixedVariance(se[i], scale);
    }
    return v;
  }

  SurrogateState state() {
    if (hp == null) {
      return new SurrogateState(name, null, 0, 0, 0, 0, 0, 0, 0);
    }
    return new SurrogateState(name, hp.lengthscales(), hp.outputscale(), hp.mean(), hp.learnedNoise(), fittedAt, fullFitAt,
        conditionedAt, standardizedAt);
  }

  /** Restores persisted fit state; the posterior is rebuilt lazily by the next {@link #update}. */
  void restore(SurrogateState s) {
    if (!adopt(s)) {
      return;
    }
    fittedAt = s.fittedAt();
    fullFitAt = s.fullFitAt();
    conditionedAt = s.conditionedAt();
    standardizedAt = s.standardizedAt();
    gp = null;
  }

  /**
   * Takes the hyperparameters of another run's GP as the warm start of the first fit, which is then
   * a single-start refit unless the data have doubled since that run's last full fit.
   */
  void warmStart(SurrogateState s) {
    if (!adopt(s)) {
      return;
    }
    fittedAt = 0;
    fullFitAt = s.fullFitAt();
    conditionedAt = 0;
    standardizedAt = 0;
    gp = null;
  }

  private boolean adopt(SurrogateState s) {
    if (s.lengthscales() == null) {
      return false;
    }
    if (s.lengthscales().length != transform.dimension()) {
      throw new InvalidSettingException("saved GP '" + name + "' has " + s.lengthscales().length
          + " lengthscales, the space has " + transform.dimension() + " dimensions");
    }
    hp = new GpHyperparameters(s.lengthscales(), s.outputscale(), s.mean(), s.learnedNoise());
    return true;
  }
}

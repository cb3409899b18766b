package io.bocomp.bo;

import io.bocomp.bo.acquisition.StandardNormal;
import io.bocomp.bo.model.CholeskyFactor;
import io.bocomp.bo.model.GaussianProcess;
import io.bocomp.bo.model.ModelFittingException;
import io.bocomp.bo.optim.SobolSequence;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Computes a {@link Certificate} from fitted posteriors; see there for what it estimates. Costs one
 * batched posterior over the {@code m} candidates ({@code O(n²m)}), a joint posterior and Cholesky
 * over the top {@code K} ({@code O(n²K + K³)}) and {@code S} draws ({@code O(K²S)}). The loop uses
 * {@code m = min(8192, max(1024, 128d))}, {@code K = 128}, {@code S = 1024}.
 */
final class CertificateEstimator {
  private final int candidates;
  private final int joint;
  private final int samples;

  CertificateEstimator(int candidates, int joint, int samples) {
    this.candidates = candidates;
    this.joint = joint;
    this.samples = samples;
  }

  /**
   * @param objective objective posterior (standardized units)
   * @param incumbent unit-cube incumbent
   * @param epsilonStd tolerance in standardized units
   * @param epsilon the same in objective units (reported)
   * @param constraints constraint posteriors (null entries skipped) with standardized thresholds
   * @param feasible known constraints on unit-cube points, or null
   */
  Certificate estimate(GaussianProcess objective, double[] incumbent, double epsilonStd, double epsilon,
      List<GaussianProcess> constraints, double[] thresholds, Predicate<double[]> feasible, long seed) {
    int d = objective.dimension();
    int n = objective.size();
    double[] pts = new double[(candidates + n) * d];
    SobolSequence sobol = SobolSequence.scrambled(d, seed);
    double[] u = new double[d];
    int m = 0;
    for (int i = 0; i < candidates + n; i++) {
      if (i < candidates) {
        sobol.next(u, 0);
      } else {
        u = objective.trainingInput(i - candidates);
      }
      objective.transform().round(u, u);
      if (feasible == null || feasible.test(u)) {
        System.arraycopy(u, 0, pts, m * d, d);
        m++;
      }
    }
    GaussianProcess.Reference ref = objective.reference(incumbent);
    double[] mean = new double[m];
    double[] var = new double[m];
    double[] cov = new double[m];
    objective.predictBatch(pts, m, ref, mean, var, cov);
    double[] logFeasible = new double[m];
    double[] part = new double[m];
    double[] cv = new double[m];
    for (int k = 0; k < constraints.size(); k++) {
      GaussianProcess c = constraints.get(k);
      if (c == null) {
        continue;
      }
      c.predictBatch(pts, m, null, part, cv, null);
      for (int i = 0; i < m; i++) {
        logFeasible[i] += StandardNormal.logCdf((thresholds[k] - part[i]) / Math.sqrt(cv[i]));
      }
    }
    double[] p = new double[m];
    double sum = 0;
    double max = 0;
    double floor = 1e-12 * objective.hyperparameters().outputscale();
    for (int i = 0; i < m; i++) {
      double s2 = Math.max(var[i] + ref.variance() - 2 * cov[i], floor);
      double z = (ref.mean() - epsilonStd - mean[i]) / Math.sqrt(s2);
      p[i] = Math.exp(StandardNormal.logCdf(z) + logFeasible[i]);
      sum += p[i];
      max = Math.max(max, p[i]);
    }
    double unionBound = Math.max(0, 1 - sum);
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
    int k = Math.min(joint, m);
    double probability = jointEstimate(objective, incumbent, pts, order, k, p, logFeasible, epsilonStd, seed);
    return new Certificate(epsilon, probability, unionBound, max, m, k, samples);
  }

  /** Fraction of joint posterior draws in which no top-{@code k} candidate beats {@code f(x⁺) − ε}. */
  private double jointEstimate(GaussianProcess objective, double[] incumbent, double[] pts, Integer[] order, int k,
      double[] p, double[] logFeasible, double epsilonStd, long seed) {
    int d = objective.dimension();
    int size = k + 1;
    double[] sel = new double[size * d];
    System.arraycopy(incumbent, 0, sel, 0, d);
    for (int i = 0; i < k; i++) {
      System.arraycopy(pts, order[i] * d, sel, (i + 1) * d, d);
    }
    double[] mean = new double[size];
    double[] cov = new double[size * size];
    objective.jointPosterior(sel, size, mean, cov);
    CholeskyFactor chol;
    try {
      chol = CholeskyFactor.factor(cov, size, size);
    } catch (ModelFittingException e) {
      return Double.NaN;
    }
    double[] feasibleProb = new double[size];
    for (int i = 0; i < k; i++) {
      feasibleProb[i + 1] = Math.exp(logFeasible[order[i]]);
    }
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
    double[] z = new double[size];
    double[] f = new double[size];
    int violations = 0;
    for (int s = 0; s < samples; s++) {
      for (int i = 0; i < size; i++) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        z[i] = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      }
      for (int i = 0; i < size; i++) {
        double t = mean[i];
        for (int j = 0; j <= i; j++) {
          t += chol.lower(i, j) * z[j];
        }
        f[i] = t;
      }
      double bar = f[0] - epsilonStd;
      for (int i = 1; i < size; i++) {
        if (f[i] < bar && (feasibleProb[i] >= 1 || rng.nextDouble() < feasibleProb[i])) {
          violations++;
          break;
        }
      }
    }
    return 1.0 - (double) violations / samples;
  }
}

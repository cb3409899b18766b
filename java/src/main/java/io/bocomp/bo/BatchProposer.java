package io.bocomp.bo;

import io.bocomp.bo.acquisition.AcquisitionFactory;
import io.bocomp.bo.acquisition.AcquisitionFunction;
import io.bocomp.bo.acquisition.ConstrainedAcquisition;
import io.bocomp.bo.acquisition.Incumbent;
import io.bocomp.bo.acquisition.NoisyExpectedImprovement;
import io.bocomp.bo.acquisition.ProbabilityOfFeasibility;
import io.bocomp.bo.model.GaussianProcess;
import io.bocomp.bo.model.PosteriorPoint;
import io.bocomp.bo.optim.AcquisitionOptimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Proposes a batch of {@code q} points from fitted posteriors by the Kriging believer heuristic:
 * pending points (suggested, not yet observed) and each point chosen so far are added to the
 * objective and constraint GPs as if observed at their posterior mean (noise: the median noise of
 * the real observations), so the next maximization of the acquisition looks elsewhere; each
 * addition is an {@code O(n²)} Cholesky border. Incumbent: the eligible (observed-feasible) real
 * training point of lowest posterior mean; with black-box constraints and no eligible point, the
 * acquisition is the probability of feasibility alone.
 */
final class BatchProposer {
  private static final int LOCAL_SAMPLES = 64;

  private final AcquisitionFactory factory;
  private final AcquisitionOptimizer optimizer;
  private final int[] levels;

  BatchProposer(AcquisitionFactory factory, AcquisitionOptimizer optimizer, int[] levels) {
    this.factory = factory;
    this.optimizer = optimizer;
    this.levels = levels;
  }

  /**
   * @param objective posterior of the objective over the successful observations
   * @param eligible per objective training point: may it be the incumbent
   * @param constraints posterior per black-box constraint (null entries: no data yet)
   * @param thresholds constraint thresholds in each constraint GP's standardized units
   * @param pending unit-cube points already suggested and not yet observed
   * @param feasible known constraints on unit-cube points (null: none)
   * @param extra more raw candidates (unit-cube points) scored with the others, or null
   * @return {@code q} unit-cube points
   * @throws NoFeasiblePointException when no raw candidate satisfies the known constraints
   */
  List<double[]> propose(int q, GaussianProcess objective, boolean[] eligible, List<GaussianProcess> constraints,
      double[] thresholds, List<double[]> pending, Predicate<double[]> feasible, List<double[]> extra,
      long seed) {
    GaussianProcess obj = objective;
    List<GaussianProcess> cons = new ArrayList<>(constraints);
    for (double[] p : pending) {
      obj = believe(obj, p);
      for (int k = 0; k < cons.size(); k++) {
        cons.set(k, cons.get(k) == null ? null : believe(cons.get(k), p));
      }
    }
    List<double[]> out = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < q; i++) {
      GaussianProcess current = obj;
      int inc = NoisyExpectedImprovement.incumbentIndex(current, t -> t < eligible.length && eligible[t]);
      List<GaussianProcess> currentCons = new ArrayList<>(cons);
      double[] local = withExtra(inc >= 0 ? localSamples(current.trainingInput(inc), rng) : null,
          extra);
      AcquisitionOptimizer.Candidate c = optimizer.maximize(
          () -> acquisition(current, inc, currentCons, thresholds), levels, feasible, local, rng.nextLong());
      if (c == null) {
        throw new NoFeasiblePointException("no point satisfying the known constraints among "
            + optimizer.settings().rawSamples() + " Sobol candidates");
      }
      out.add(c.point());
      if (i + 1 < q) {
        obj = believe(obj, c.point());
        for (int k = 0; k < cons.size(); k++) {
          cons.set(k, cons.get(k) == null ? null : believe(cons.get(k), c.point()));
        }
      }
    }
    return out;
  }

  private AcquisitionFunction acquisition(GaussianProcess obj, int inc, List<GaussianProcess> cons,
      double[] thresholds) {
    AcquisitionFunction base = null;
    if (inc >= 0) {
      double[] x = obj.trainingInput(inc);
      PosteriorPoint p = obj.newPosteriorPoint();
      obj.predict(x, p, false, null);
      base = factory.create(obj, new Incumbent(x, p.mean));
    }
    List<ProbabilityOfFeasibility> pofs = new ArrayList<>();
    for (int k = 0; k < cons.size(); k++) {
      if (cons.get(k) != null) {
        pofs.add(new ProbabilityOfFeasibility(cons.get(k), thresholds[k]));
      }
    }
    if (pofs.isEmpty()) {
      if (base == null) {
        // no incumbent is eligible (only known-constraint violators observed): take the best of all
        int any = NoisyExpectedImprovement.incumbentIndex(obj, t -> true);
        return acquisition(obj, any, cons, thresholds);
      }
      return base;
    }
    return new ConstrainedAcquisition(base, pofs);
  }

  /** The Kriging believer: {@code gp} conditioned on its own mean at {@code u}. */
  private static GaussianProcess believe(GaussianProcess gp, double[] u) {
    PosteriorPoint p = gp.newPosteriorPoint();
    gp.predict(u, p, false, null);
    double[] noise = new double[gp.size()];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = gp.trainingNoise(i);
    }
    Arrays.sort(noise);
    return gp.conditionedOn(u, p.mean, noise[noise.length / 2]);
  }

  /** {@code local} (row-major, or null) followed by the rows of {@code extra} (or null). */
  private static double[] withExtra(double[] local, List<double[]> extra) {
    if (extra == null || extra.isEmpty()) {
      return local;
    }
    int d = extra.get(0).length;
    int n = local == null ? 0 : local.length;
    double[] out = java.util.Arrays.copyOf(local == null ? new double[0] : local, n + extra.size() * d);
    for (int i = 0; i < extra.size(); i++) {
      System.arraycopy(extra.get(i), 0, out, n + i * d, d);
    }
    return out;
  }

  /** Gaussian perturbations of the incumbent (σ = 0.05 and 0.01 of the cube), clipped to it. */
  private static double[] localSamples(double[] center, SplittableRandom rng) {
    int d = center.length;
    double[] pts = new double[LOCAL_SAMPLES * d];
    for (int s = 0; s < LOCAL_SAMPLES; s++) {
      double sigma = s % 2 == 0 ? 0.05 : 0.01;
      for (int j = 0; j < d; j++) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        pts[s * d + j] = Math.min(1, Math.max(0, center[j] + sigma * z));
      }
    }
    return pts;
  }
}

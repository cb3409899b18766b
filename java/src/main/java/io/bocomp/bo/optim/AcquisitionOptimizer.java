package io.bocomp.bo.optim;

import io.bocomp.bo.acquisition.AcquisitionFunction;
import java.util.Arrays;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Maximizes an {@link AcquisitionFunction} over the unit cube, BoTorch style: score
 * {@code rawSamples} scrambled Sobol points (plus any caller-supplied points, e.g. perturbations of
 * the incumbent) with one batched posterior evaluation, then polish the best {@code restarts}
 * distinct ones and return the best result.
 *
 * <p>Polishing: L-BFGS-B on the continuous coordinates with the discrete ones held fixed (equal
 * bounds), then a coordinate pattern search on the discrete coordinates (moves of ±1, ±2, ±4, …
 * cells while the value improves, sweep after sweep), then L-BFGS-B once more if a discrete move
 * was made. A discrete coordinate with {@code k} levels lives at cell centres {@code (i + ½)/k}
 * (see {@code InputTransform}); the acquisition is piecewise constant there, so its gradient
 * carries no information and the pattern search does the work.
 *
 * <p>Known constraints are exact: a point the {@code feasible} predicate rejects is never scored
 * above {@code −∞}, never a start and never returned; L-BFGS-B sees {@code +∞} there and backs off.
 *
 * <p>With {@code parallel}, raw-sample blocks and restarts run on the common fork-join pool, each
 * with its own acquisition instance from the supplier; the result is the same as sequentially (ties
 * go to the better-ranked start). Knows only the bounds and the function. Stateless apart from
 * settings.
 */
public final class AcquisitionOptimizer {
  /**
   * @param rawSamples Sobol points scored before polishing
   * @param restarts number of best raw points polished
   * @param lbfgs settings of each L-BFGS-B run
   * @param maxDiscreteSweeps limit of pattern-search sweeps over the discrete coordinates
   * @param parallel score and polish on the common fork-join pool
   */
  public record Settings(int rawSamples, int restarts, LbfgsB.Settings lbfgs, int maxDiscreteSweeps,
      boolean parallel) {
    /** 512 raw samples and 8 restarts of at most 60 L-BFGS-B iterations, in parallel. */
    public static Settings defaults() {
      return new Settings(512, 8, new LbfgsB.Settings(10, 60, 120, 1e-6, 1e-10), 8, true);
    }

    public Settings {
      if (rawSamples < 1 || restarts < 1 || maxDiscreteSweeps < 0) {
        throw new IllegalArgumentException("rawSamples and restarts must be >= 1, got " + rawSamples + ", " + restarts);
      }
    }
  }

  /** A maximizer and its acquisition value. */
  public record Candidate(double[] point, double value) {}

  private final Settings settings;

  public AcquisitionOptimizer(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * @param levels per coordinate: 0 for continuous, else the number of discrete cells
   * @param feasible known constraints on unit-cube points, or null
   * @param extraPoints additional raw candidates ({@code m×d} row-major), or null
   * @param seed seed of the Sobol scrambling
   * @return the best feasible point, or null when no raw candidate is feasible
   */
  public Candidate maximize(AcquisitionFunction f, int[] levels, Predicate<double[]> feasible, double[] extraPoints,
      long seed) {
    return maximize(() -> f, levels, feasible, extraPoints, seed, false);
  }

  /**
   * As {@link #maximize(AcquisitionFunction, int[], Predicate, double[], long)}; {@code functions}
   * supplies independent instances of one acquisition for parallel work ({@code feasible} must then
   * be thread-safe).
   */
  public Candidate maximize(Supplier<? extends AcquisitionFunction> functions, int[] levels,
      Predicate<double[]> feasible, double[] extraPoints, long seed) {
    return maximize(functions, levels, feasible, extraPoints, seed, settings.parallel());
  }

  private Candidate maximize(Supplier<? extends AcquisitionFunction> functions, int[] levels,
      Predicate<double[]> feasible, double[] extraPoints, long seed, boolean parallel) {
    AcquisitionFunction f = functions.get();
    int d = f.dimension();
    int extra = extraPoints == null ? 0 : extraPoints.length / d;
    int total = settings.rawSamples() + extra;
    double[] raw = new double[total * d];
    SobolSequence sobol = SobolSequence.scrambled(d, seed);
    for (int i = 0; i < settings.rawSamples(); i++) {
      sobol.next(raw, i * d);
    }
    if (extra > 0) {
      System.arraycopy(extraPoints, 0, raw, settings.rawSamples() * d, extra * d);
    }
    double[] u = new double[d];
    int m = 0;
    for (int i = 0; i < total; i++) {
      System.arraycopy(raw, i * d, u, 0, d);
      snap(u, levels);
      if (feasible == null || feasible.test(u)) {
        System.arraycopy(u, 0, raw, m * d, d);
        m++;
      }
    }
    if (m == 0) {
      return null;
    }
    double[] values = new double[m];
    final int block = 128;
    int blocks = (m + block - 1) / block;
    int count = m;
    IntStream bi = IntStream.range(0, blocks);
    (parallel && blocks > 1 ? bi.parallel() : bi).forEach(b -> {
      AcquisitionFunction g = b == 0 ? f : functions.get();
      int from = b * block;
      int len = Math.min(block, count - from);
      double[] part = new double[len];
      g.values(Arrays.copyOfRange(raw, from * d, (from + len) * d), len, part);
      System.arraycopy(part, 0, values, from, len);
    });
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
      if (Double.isNaN(values[i])) {
        values[i] = Double.NEGATIVE_INFINITY;
      }
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
    java.util.List<double[]> starts = new java.util.ArrayList<>();
    java.util.List<Double> startValues = new java.util.ArrayList<>();
    double[] previous = null;
    for (int r = 0; r < m && starts.size() < settings.restarts(); r++) {
      double[] x0 = Arrays.copyOfRange(raw, order[r] * d, order[r] * d + d);
      if (previous != null && Arrays.equals(previous, x0)) {
        continue;
      }
      previous = x0;
      starts.add(x0);
      startValues.add(values[order[r]]);
    }
    IntStream si = IntStream.range(0, starts.size());
    Candidate[] polished = (parallel && starts.size() > 1 ? si.parallel() : si)
        .mapToObj(r -> polish(r == 0 ? f : functions.get(), starts.get(r), startValues.get(r), levels, feasible))
        .toArray(Candidate[]::new);
    Candidate best = null;
    for (Candidate c : polished) {
      if (best == null || c.value() > best.value()) {
        best = c;
      }
    }
    return best;
  }

  private Candidate polish(AcquisitionFunction f, double[] x, double value, int[] levels, Predicate<double[]> feasible) {
    int d = x.length;
    boolean continuous = false;
    boolean discrete = false;
    for (int level : levels) {
      continuous |= level == 0;
      discrete |= level > 0;
    }
    double best = value;
    for (int round = 0; round < 2; round++) {
      if (continuous) {
        double[] lo = new double[d];
        double[] hi = new double[d];
        for (int j = 0; j < d; j++) {
          lo[j] = levels[j] == 0 ? 0 : x[j];
          hi[j] = levels[j] == 0 ? 1 : x[j];
        }
        LbfgsB.Result r = LbfgsB.minimize(negated(f, feasible), x, lo, hi, settings.lbfgs());
        if (Double.isFinite(r.value()) && -r.value() > best) {
          best = -r.value();
          x = r.x();
        }
      }
      if (!discrete) {
        break;
      }
      double before = best;
      best = patternSearch(f, x, best, levels, feasible);
      if (!(best > before) || !continuous) {
        break;
      }
    }
    return new Candidate(x, best);
  }

  /** Greedy moves of ±1, ±2, ±4, … cells per discrete coordinate; updates {@code x} in place. */
  private double patternSearch(AcquisitionFunction f, double[] x, double value, int[] levels,
      Predicate<double[]> feasible) {
    double best = value;
    double[] trial = x.clone();
    for (int sweep = 0; sweep < settings.maxDiscreteSweeps(); sweep++) {
      boolean improved = false;
      for (int j = 0; j < x.length; j++) {
        int k = levels[j];
        if (k <= 1) {
          continue;
        }
        for (int dir = 1; dir >= -1; dir -= 2) {
          int cell = cell(x[j], k);
          for (int step = 1; ; step *= 2) {
            int c = cell + dir * step;
            if (c < 0 || c >= k) {
              break;
            }
            System.arraycopy(x, 0, trial, 0, x.length);
            trial[j] = (c + 0.5) / k;
            if (feasible != null && !feasible.test(trial)) {
              break;
            }
            double v = f.value(trial);
            if (!(v > best)) {
              break;
            }
            best = v;
            x[j] = trial[j];
            cell = c;
            improved = true;
          }
        }
      }
      if (!improved) {
        break;
      }
    }
    return best;
  }

  private static DifferentiableFunction negated(AcquisitionFunction f, Predicate<double[]> feasible) {
    return new DifferentiableFunction() {
      @Override
      public int dimension() {
        return f.dimension();
      }

      @Override
      public double valueAndGradient(double[] x, double[] gradient) {
        if (feasible != null && !feasible.test(x)) {
          return Double.POSITIVE_INFINITY;
        }
        double v = f.valueAndGradient(x, gradient);
        for (int j = 0; j < gradient.length; j++) {
          gradient[j] = -gradient[j];
        }
        return -v;
      }
    };
  }

  /** Moves discrete coordinates to their cell centres. */
  public static void snap(double[] u, int[] levels) {
    for (int j = 0; j < u.length; j++) {
      int k = levels[j];
      if (k > 0) {
        u[j] = (cell(u[j], k) + 0.5) / k;
      }
    }
  }

  private static int cell(double u, int k) {
    int c = (int) Math.floor(u * k);
    return c < 0 ? 0 : (c >= k ? k - 1 : c);
  }
}

package io.bocomp.tune;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * How sure a run can be that the plan it RETURNS is the best plan it evaluated: the certificate
 * written to result.json ({@code certificate}), in both search modes.
 *
 * <p>What it states: the returned trial {@code b} is the feasible trial of least sample L (the
 * tuner's choice, {@link StageRunner#bestFeasible}). Each evaluated feasible plan {@code j} (failed
 * trials, infeasible ones and repeats of one network skipped) has a sample mean {@code L̂_j} over the
 * run's n inputs and its standard error {@code se_j}. The statement is
 *
 * <pre>  probability = P[ L_b ≤ L_j + ε for every other evaluated feasible plan j ],
 *   ε = {@value #RELATIVE_TOLERANCE} × L̂_b,</pre>
 *
 * with {@code L} the expected distance over the input distribution, estimated in one of two ways:
 *
 * <ul>
 *   <li><b>independent</b> ({@link #of(TrialRecord, List, long)}; result.json
 *       {@code independent}): every {@code L_j ~ N(L̂_j, se_j²)} independently; a Monte Carlo
 *       estimate from {@link #SAMPLES} joint draws. Every trial is measured on the SAME inputs, so
 *       the errors of two plans are positively correlated and the variance of a difference is
 *       below the {@code se_b² + se_j²} used here: conservative (docs/results.md, "Certificate
 *       calibration": far too low between 0.5 and 0.95).
 *   <li><b>paired</b> ({@link #paired}; what the tuner states, result.json {@code paired: true}):
 *       the set M of competitors to re-measure is {@link #toRemeasure}: those whose independent
 *       pairwise probability {@link #beats} exceeds {@value #PAIRED_THRESHOLD}, the
 *       {@value #PAIRED_MAX} most probable at most. Their per-input distances {@code x_j[i]} and
 *       the returned plan's {@code x_b[i]} on the run's tuning inputs (re-measured at the end of
 *       the run, {@link PerInputDistances}) give the differences {@code d_j = L_j − L_b}, j ∈ M, a
 *       joint normal with mean {@code L̂_j − L̂_b} (the journal's sample means) and covariance
 *       {@code Cov_i(x_j[i] − x_b[i], x_k[i] − x_b[i]) / n} (n − 1 denominator, the paired
 *       analogue of {@code se²}). {@code P_M} = the Monte Carlo estimate ({@link #SAMPLES} draws,
 *       Cholesky factor with a relative jitter of {@value #JITTER}) of P[no {@code d_j < −ε}, j ∈
 *       M]. Competitors outside M (below the threshold, or beyond the cap) keep the independent
 *       model through Boole's inequality: {@code probability = max(0, P_M − Σ_{j∉M}
 *       pairwise_j)} ({@code unmeasured} is that sum), a lower bound for them.
 * </ul>
 *
 * Both are seeded (a run's certificate is reproducible, and a resumed run's is the same; standard
 * error at most {@code 0.5/√SAMPLES} = 0.008). {@code closest} is the competitor with the largest
 * independent pairwise probability of beating {@code b} by more than ε and {@code pairwise} that
 * probability ({@code Φ((L̂_b − ε − L̂_j)/√(se_b² + se_j²))}); {@code unionBound = max(0, 1 −
 * Σ_j pairwise_j)} is a lower bound by Boole's inequality under the independent model that needs no
 * sampling.
 *
 * <p>Limits: it speaks of the plans the run evaluated, not of every plan in the box (the GP's
 * view of unexplored plans is the optimizer's business, not a statement about the output). The
 * paired model does not know that {@code b} was SELECTED as the least of many plans on these
 * inputs (docs/results.md: a hint of over-confidence for long runs at tight budgets). With a single
 * input ({@code se = 0}) the certificate is 1 or 0.
 */
final class ReturnedPlanCertificate {
  /** ε as a fraction of the returned plan's L. */
  static final double RELATIVE_TOLERANCE = 0.01;
  /** Monte Carlo draws. */
  static final int SAMPLES = 4096;
  /** Competitors above this independent pairwise probability are re-measured (paired). */
  static final double PAIRED_THRESHOLD = 1e-3;
  /**
   * At most this many competitors are re-measured: the most probable to beat the returned plan.
   * 8 was too few: in long runs at tight budgets (80 trials, 15% of the parameters) 10-30 plans
   * sit near the returned one, and the union term of those beyond 8 took P to 0
   * (docs/results.md, "Certificate calibration").
   */
  static final int PAIRED_MAX = 32;
  /** Jitter added to the paired covariance's diagonal, relative to its largest entry. */
  static final double JITTER = 1e-9;

  /**
   * @param trial the returned trial's id (index in its stage)
   * @param stage its stage
   * @param loss its sample L
   * @param epsilon the tolerance ε
   * @param probability the certificate: {@code paired ? max(0, P_M − unmeasured) : independent}
   * @param unionBound the Boole lower bound (independent model)
   * @param competitors evaluated feasible plans compared with it (distinct networks)
   * @param closest the trial id of the competitor most likely to beat it (-1 when none)
   * @param closestProbability that competitor's probability of beating it by more than ε
   * @param independent the independent model's Monte Carlo estimate
   * @param paired true when {@code probability} is the paired statement
   * @param remeasured competitors re-measured per input (the set M; 0 unless paired)
   * @param unmeasured the sum of the pairwise probabilities of the competitors outside M (0 unless
   *     paired)
   */
  record Result(int trial, int stage, double loss, double epsilon, double probability,
      double unionBound, int competitors, int closest, double closestProbability,
      double independent, boolean paired, int remeasured, double unmeasured) {}

  /** A competitor: its trial, sample L, standard error and independent pairwise probability. */
  private record Rival(TrialRecord trial, double loss, double se, double pairwise) {}

  private ReturnedPlanCertificate() {}

  /**
   * The independent certificate of {@code returned} among the feasible trials of {@code history},
   * or null when {@code returned} is null.
   */
  static Result of(TrialRecord returned, List<TrialRecord> history, long seed) {
    if (returned == null) {
      return null;
    }
    Independent ind = independent(returned, history, seed);
    return new Result(returned.trial(), returned.stage(), returned.loss(), ind.eps,
        ind.probability, ind.unionBound, ind.rivals.size(), ind.closest, ind.closestP,
        ind.probability, false, 0, 0);
  }

  /**
   * The competitors of {@code returned} to re-measure for {@link #paired}: distinct feasible
   * networks whose pairwise probability exceeds {@link #PAIRED_THRESHOLD}, most probable first
   * (ties: earlier trial first), at most {@link #PAIRED_MAX}.
   */
  static List<TrialRecord> toRemeasure(TrialRecord returned, List<TrialRecord> history) {
    List<Rival> rivals = rivals(returned, history);
    List<Rival> above = new ArrayList<>();
    for (Rival r : rivals) {
      if (r.pairwise > PAIRED_THRESHOLD) {
        above.add(r);
      }
    }
    above.sort((a, b) -> a.pairwise != b.pairwise ? Double.compare(b.pairwise, a.pairwise)
        : Integer.compare(a.trial.trial(), b.trial.trial()));
    List<TrialRecord> out = new ArrayList<>();
    for (int k = 0; k < Math.min(PAIRED_MAX, above.size()); k++) {
      out.add(above.get(k).trial);
    }
    return out;
  }

  /**
   * The paired certificate: {@code perInput} maps the plan key of the returned trial and of every
   * competitor in {@link #toRemeasure} to its per-input distances on the run's tuning inputs (one
   * order of inputs for all). Null when {@code returned} is null.
   *
   * @throws IllegalArgumentException when a plan's per-input distances are missing or of another
   *     length
   */
  static Result paired(TrialRecord returned, List<TrialRecord> history, long seed,
      Map<String, double[]> perInput) {
    if (returned == null) {
      return null;
    }
    Independent ind = independent(returned, history, seed);
    List<TrialRecord> measured = toRemeasure(returned, history);
    Set<String> inM = new HashSet<>();
    double[] xb = series(perInput, returned.planKey(), -1);
    int n = xb.length;
    double[][] d = new double[measured.size()][];
    double[] mean = new double[measured.size()];
    for (int j = 0; j < measured.size(); j++) {
      TrialRecord r = measured.get(j);
      inM.add(r.planKey());
      double[] xj = series(perInput, r.planKey(), n);
      d[j] = new double[n];
      for (int i = 0; i < n; i++) {
        d[j][i] = xj[i] - xb[i];
      }
      mean[j] = r.loss() - returned.loss();
    }
    double unmeasured = 0;
    for (Rival r : ind.rivals) {
      unmeasured += inM.contains(r.trial.planKey()) ? 0 : r.pairwise;
    }
    double pm = pairedMonteCarlo(mean, covariance(d), ind.eps, seed);
    return new Result(returned.trial(), returned.stage(), returned.loss(), ind.eps,
        Math.max(0, pm - unmeasured), ind.unionBound, ind.rivals.size(), ind.closest,
        ind.closestP, ind.probability, true, measured.size(), unmeasured);
  }

  /** P[L_j < L_b − ε] for independent normals. */
  static double beats(double lb, double sb, double lj, double sj, double eps) {
    double s = Math.sqrt(sb * sb + sj * sj);
    double gap = lb - eps - lj;
    if (s == 0) {
      return gap > 0 ? 1 : 0;
    }
    return io.bocomp.bo.acquisition.StandardNormal.cdf(gap / s);
  }

  private record Independent(double eps, List<Rival> rivals, double probability,
      double unionBound, int closest, double closestP) {}

  private static Independent independent(TrialRecord returned, List<TrialRecord> history,
      long seed) {
    double eps = epsilon(returned);
    List<Rival> rivals = rivals(returned, history);
    double sum = 0;
    int closest = -1;
    double closestP = 0;
    for (Rival c : rivals) {
      sum += c.pairwise;
      if (closest < 0 || c.pairwise > closestP) {
        closest = c.trial.trial();
        closestP = c.pairwise;
      }
    }
    double probability = monteCarlo(returned.loss(), returned.distance().stderr(), rivals, eps,
        seed);
    return new Independent(eps, rivals, probability, Math.max(0, 1 - sum), closest, closestP);
  }

  private static double epsilon(TrialRecord returned) {
    return RELATIVE_TOLERANCE * Math.abs(returned.loss());
  }

  /** Distinct feasible networks other than the returned one, in history order. */
  private static List<Rival> rivals(TrialRecord returned, List<TrialRecord> history) {
    double lb = returned.loss();
    double sb = returned.distance().stderr();
    double eps = epsilon(returned);
    List<Rival> rivals = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    seen.add(returned.planKey());
    for (TrialRecord r : history) {
      if (r.failed() || !r.feasible() || r == returned || !seen.add(r.planKey())) {
        continue;
      }
      double se = r.distance().stderr();
      rivals.add(new Rival(r, r.loss(), se, beats(lb, sb, r.loss(), se, eps)));
    }
    return rivals;
  }

  private static double[] series(Map<String, double[]> perInput, String key, int n) {
    double[] x = perInput.get(key);
    if (x == null || (n >= 0 && x.length != n)) {
      throw new IllegalArgumentException("per-input distances of plan " + key + " are "
          + (x == null ? "missing" : "of length " + x.length + ", not " + n));
    }
    return x;
  }

  /** Sample covariance of the rows of {@code d} (n − 1 denominator) divided by n. */
  static double[][] covariance(double[][] d) {
    int k = d.length;
    double[][] c = new double[k][k];
    if (k == 0 || d[0].length < 2) {
      return c;
    }
    int n = d[0].length;
    double[][] centred = new double[k][n];
    for (int j = 0; j < k; j++) {
      double m = 0;
      for (double v : d[j]) {
        m += v;
      }
      m /= n;
      for (int i = 0; i < n; i++) {
        centred[j][i] = d[j][i] - m;
      }
    }
    for (int j = 0; j < k; j++) {
      for (int l = 0; l <= j; l++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += centred[j][i] * centred[l][i];
        }
        c[j][l] = s / (n - 1) / n;
        c[l][j] = c[j][l];
      }
    }
    return c;
  }

  /**
   * Lower Cholesky factor of {@code c} plus {@link #JITTER} × its largest diagonal entry on the
   * diagonal; a pivot that is still not positive (a zero variance) gives a zero column.
   */
  static double[][] cholesky(double[][] c) {
    int k = c.length;
    double max = 0;
    for (int j = 0; j < k; j++) {
      max = Math.max(max, c[j][j]);
    }
    double jitter = JITTER * max;
    double[][] l = new double[k][k];
    for (int j = 0; j < k; j++) {
      double p = c[j][j] + jitter;
      for (int m = 0; m < j; m++) {
        p -= l[j][m] * l[j][m];
      }
      if (!(p > 0)) {
        continue; // column j stays zero
      }
      l[j][j] = Math.sqrt(p);
      for (int i = j + 1; i < k; i++) {
        double s = c[i][j];
        for (int m = 0; m < j; m++) {
          s -= l[i][m] * l[j][m];
        }
        l[i][j] = s / l[j][j];
      }
    }
    return l;
  }

  /** P[d_j ≥ −ε for every j], d ~ N(mean, cov), by Monte Carlo. */
  private static double pairedMonteCarlo(double[] mean, double[][] cov, double eps, long seed) {
    int k = mean.length;
    if (k == 0) {
      return 1;
    }
    double[][] l = cholesky(cov);
    SplittableRandom rng = new SplittableRandom(seed ^ 0x243F6A8885A308D3L);
    double[] z = new double[k];
    int wins = 0;
    for (int s = 0; s < SAMPLES; s++) {
      for (int j = 0; j < k; j++) {
        z[j] = gaussian(rng);
      }
      boolean beaten = false;
      for (int j = 0; j < k && !beaten; j++) {
        double dj = mean[j];
        for (int m = 0; m <= j; m++) {
          dj += l[j][m] * z[m];
        }
        beaten = dj < -eps;
      }
      wins += beaten ? 0 : 1;
    }
    return (double) wins / SAMPLES;
  }

  private static double monteCarlo(double lb, double sb, List<Rival> rivals, double eps,
      long seed) {
    if (rivals.isEmpty()) {
      return 1;
    }
    SplittableRandom rng = new SplittableRandom(seed ^ 0x243F6A8885A308D3L);
    int wins = 0;
    for (int s = 0; s < SAMPLES; s++) {
      double b = lb + sb * gaussian(rng) - eps;
      boolean beaten = false;
      for (Rival c : rivals) {
        if (c.loss + c.se * gaussian(rng) < b) {
          beaten = true;
          break;
        }
      }
      if (!beaten) {
        wins++;
      }
    }
    return (double) wins / SAMPLES;
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}

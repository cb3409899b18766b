package io.bocomp.tune;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * How sure a run can be that the plan it RETURNS is the best plan it evaluated: the certificate
 * written to result.json ({@code certificate}), in both search modes.
 *
 * <p>What it states: the returned trial {@code b} is the feasible trial of least sample L (the
 * tuner's choice, {@link StageRunner#bestFeasible}). Each evaluated feasible plan {@code j} (failed
 * trials, infeasible ones and repeats of one network skipped) has a sample mean {@code L̂_j} over the
 * run's inputs and its standard error {@code se_j}; the expected distance over the input
 * distribution is modelled as {@code L_j ~ N(L̂_j, se_j²)}, independently. Then
 *
 * <pre>  probability = P[ L_b ≤ L_j + ε for every other evaluated feasible plan j ],
 *   ε = {@value #RELATIVE_TOLERANCE} × L̂_b,</pre>
 *
 * a Monte Carlo estimate from {@link #SAMPLES} joint draws (seeded, so a run's certificate is
 * reproducible; standard error at most {@code 0.5/√SAMPLES} = 0.008). {@code closest} is the
 * competitor with the largest pairwise probability of beating {@code b} by more than ε and
 * {@code pairwise} that probability ({@code Φ((L̂_b − ε − L̂_j)/√(se_b² + se_j²))}); 
 * {@code unionBound = max(0, 1 − Σ_j pairwise_j)} is a lower bound by Boole's inequality that needs no
 * sampling.
 *
 * <p>Limits: it speaks of the plans the run evaluated, not of every plan in the box (the GP's
 * view of unexplored plans is the optimizer's business, not a statement about the output). Every
 * trial is measured on the SAME inputs, so the errors of two plans are positively correlated and
 * the variance of a difference is below the {@code se_b² + se_j²} used here: the statement is
 * conservative (a paired estimate, which needs per-input distances the journal does not keep, would
 * give a larger P). With a single input ({@code se = 0}) the certificate is 1 or 0.
 */
final class ReturnedPlanCertificate {
  /** ε as a fraction of the returned plan's L. */
  static final double RELATIVE_TOLERANCE = 0.01;
  /** Monte Carlo draws. */
  static final int SAMPLES = 4096;

  /**
   * @param trial the returned trial's id (index in its stage)
   * @param stage its stage
   * @param loss its sample L
   * @param epsilon the tolerance ε
   * @param probability the joint Monte Carlo estimate
   * @param unionBound the Boole lower bound
   * @param competitors evaluated feasible plans compared with it (distinct networks)
   * @param closest the trial id of the competitor most likely to beat it (-1 when none)
   * @param closestProbability that competitor's probability of beating it by more than ε
   */
  record Result(int trial, int stage, double loss, double epsilon, double probability,
      double unionBound, int competitors, int closest, double closestProbability) {}

  private ReturnedPlanCertificate() {}

  /**
   * The certificate of {@code returned} among the feasible trials of {@code history}, or null
   * when {@code returned} is null.
   */
  static Result of(TrialRecord returned, List<TrialRecord> history, long seed) {
    if (returned == null) {
      return null;
    }
    double lb = returned.loss();
    double sb = returned.distance().stderr();
    double eps = RELATIVE_TOLERANCE * Math.abs(lb);
    List<double[]> rivals = new ArrayList<>(); // {mean, se, trial}
    Set<String> seen = new HashSet<>();
    seen.add(returned.planKey());
    for (TrialRecord r : history) {
      if (r.failed() || !r.feasible() || r == returned || !seen.add(r.planKey())) {
        continue;
      }
      rivals.add(new double[] {r.loss(), r.distance().stderr(), r.trial()});
    }
    double sum = 0;
    int closest = -1;
    double closestP = 0;
    for (double[] c : rivals) {
      double p = beats(lb, sb, c[0], c[1], eps);
      sum += p;
      if (closest < 0 || p > closestP) {
        closest = (int) c[2];
        closestP = p;
      }
    }
    double probability = monteCarlo(lb, sb, rivals, eps, seed);
    return new Result(returned.trial(), returned.stage(), lb, eps, probability,
        Math.max(0, 1 - sum), rivals.size(), closest, closestP);
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

  private static double monteCarlo(double lb, double sb, List<double[]> rivals, double eps,
      long seed) {
    if (rivals.isEmpty()) {
      return 1;
    }
    SplittableRandom rng = new SplittableRandom(seed ^ 0x243F6A8885A308D3L);
    int wins = 0;
    for (int s = 0; s < SAMPLES; s++) {
      double b = lb + sb * gaussian(rng) - eps;
      boolean beaten = false;
      for (double[] c : rivals) {
        if (c[0] + c[1] * gaussian(rng) < b) {
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

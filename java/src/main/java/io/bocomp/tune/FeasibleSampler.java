package io.bocomp.tune;

import io.bocomp.bo.optim.SobolSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Random points of the search box that meet the budget in closed form (the analytic cost of the
 * resolved plan, or the MACs proxy when the budget is a measured latency), by rejection. It feeds
 * the space-filling initial design and the exploration trials of the searches.
 *
 * <p>Why: at a tight budget most of the box is infeasible, so a design over the whole box spends
 * its trials where the answer cannot be (of 15 Sobol design points of the tuner's first version
 * on the default model at 25% of the parameters, 3 were feasible); and expected improvement
 * over-exploits a basin once its GP is confident (the trials then repeat almost the same plan).
 * Interleaving random feasible points with the BO
 * proposals ("epsilon-greedy" BO, De Ath et al., ACM TELO 2021) keeps every region of the
 * feasible set in play at a known cost: the tuner is never worse than random search on the
 * points it spends on exploration, and its BO trials refine the best basins.
 *
 * <p>Every draw is a pure function of (seed, stage, trial), so resumed runs draw the same points.
 */
final class FeasibleSampler {
  /**
   * Rejection draws per point before the last draw is projected onto the budget instead
   * ({@link BudgetProjection}: a nearly empty feasible region).
   */
  static final int MAX_DRAWS = 20_000;

  private final SearchSpace space;
  private final ToDoubleFunction<double[]> r;
  private final double budget;
  private final long seed;
  private final ExchangeMoves moves;

  /**
   * @param r R(theta) as a fraction of the original (closed form)
   * @param budget accept points with r &lt;= budget
   */
  FeasibleSampler(SearchSpace space, ToDoubleFunction<double[]> r, double budget, long seed) {
    this.space = space;
    this.r = r;
    this.budget = budget;
    this.seed = seed;
    this.moves = new ExchangeMoves(space, r, budget);
  }

  /**
   * At most {@code max} {@link ExchangeMoves} from {@code center} (none without a center): plans
   * one rung exchange away along the budget. A pure function of (seed, stage, trial, center).
   */
  List<double[]> exchanges(int stage, int trial, double[] center, int max) {
    return center == null ? List.of() : moves.from(center, max,
        BoProposer.trialSeed(seed ^ 0x510E527FADE682D1L, stage, trial));
  }

  /** Gaussian scales (of the unit box) of the perturbations in {@link #candidates}. */
  private static final double[] CANDIDATE_SIGMAS = {0.1, 0.03};

  /**
   * {@code n} points within the budget for the acquisition optimizer of trial {@code trial} when
   * its own raw candidates miss a thin feasible region: half are Gaussian perturbations of
   * {@code center} (scales {@link #CANDIDATE_SIGMAS} of each dimension's range, alternating; a
   * bit-width dimension keeps the center's level), half uniform points of the box, each projected
   * onto the budget ({@link BudgetProjection}); without a center, all are uniform. Cost: at most {@code n} projections, no rejection sampling. A pure function of
   * (seed, stage, trial, center).
   */
  List<double[]> candidates(int stage, int trial, double[] center, int n) {
    SplittableRandom rng = new SplittableRandom(BoProposer.trialSeed(seed ^ 0x3C6EF372FE94F82BL,
        stage, trial));
    List<double[]> out = new ArrayList<>();
    double[] u = new double[space.dimension()];
    for (int i = 0; i < n; i++) {
      double[] theta;
      if (center != null && i % 2 == 0) {
        double sigma = CANDIDATE_SIGMAS[(i / 2) % CANDIDATE_SIGMAS.length];
        theta = center.clone();
        for (int k = 0; k < theta.length; k++) {
          SearchSpace.Knob kn = space.knobs().get(k);
          if (!kn.isBits()) {
            double w = kn.upper() - kn.lower();
            theta[k] = Math.min(kn.upper(), Math.max(kn.lower(),
                theta[k] + sigma * w * gaussian(rng)));
          }
        }
      } else {
        for (int k = 0; k < u.length; k++) {
          u[k] = rng.nextDouble();
        }
        theta = space.fromUnit(u);
      }
      out.add(BudgetProjection.onto(space, r, budget, theta));
    }
    return out;
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform random feasible point for trial {@code trial} of stage {@code stage}. */
  double[] random(int stage, int trial) {
    SplittableRandom rng = new SplittableRandom(BoProposer.trialSeed(seed ^ 0x6A09E667F3BCC909L,
        stage, trial));
    double[] u = new double[space.dimension()];
    double[] theta = null;
    for (int i = 0; i < MAX_DRAWS; i++) {
      for (int k = 0; k < u.length; k++) {
        u[k] = rng.nextDouble();
      }
      theta = space.fromUnit(u);
      if (r.applyAsDouble(theta) <= budget) {
        return theta;
      }
    }
    return BudgetProjection.onto(space, r, budget, theta);
  }

  /**
   * The first {@code n} points of a scrambled Sobol sequence over the box that meet the budget
   * (keeping the sequence's spread over the feasible set); past the draw limit, the sequence's
   * points are projected onto the budget ({@link BudgetProjection}).
   */
  double[][] sobol(int n, long sobolSeed) {
    double[][] out = new double[n][];
    SobolSequence sobol = SobolSequence.scrambled(space.dimension(), sobolSeed);
    double[] u = new double[space.dimension()];
    long limit = (long) MAX_DRAWS * Math.max(1, n);
    long draws = 0;
    int filled = 0;
    while (filled < n) {
      sobol.next(u, 0);
      double[] theta = space.fromUnit(u);
      if (++draws > limit) {
        out[filled++] = BudgetProjection.onto(space, r, budget, theta);
      } else if (r.applyAsDouble(theta) <= budget) {
        out[filled++] = theta;
      }
    }
    return out;
  }
}

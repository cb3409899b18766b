package io.bocomp.tune;

import io.bocomp.bo.BayesOpt;
import io.bocomp.bo.BayesOptState;
import io.bocomp.bo.Evaluation;
import io.bocomp.bo.NoFeasiblePointException;
import io.bocomp.bo.Observation;
import io.bocomp.bo.SurrogateState;
import io.bocomp.bo.constraint.KnownConstraint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Proposes one theta with a FRESH {@link BayesOpt} per trial, built from every past trial of the
 * stage with its objective re-weighted as the search asks ({@link Observation}s; nothing is
 * re-evaluated) and warm-started from the GP hyperparameters fitted for the previous proposal
 * (stored in that trial's journal line). A proposal is thus a pure function of (seed, stage, trial
 * index, the trials before it), which makes a resumed run propose exactly what an uninterrupted one
 * would.
 *
 * <p>The objective is modelled in log scale: y' = log(y + delta) with delta = 1% of the smallest
 * positive y so far, and standard errors by the delta method (se / (y + delta)), or a near-zero
 * noise for the fixed sample ({@link ObjectiveNoise}). Output distances
 * span orders of magnitude between gentle and drastic compression; the log keeps the GP's
 * stationary kernel from being dominated by the worst plans, and, being monotone, leaves the
 * minimizer unchanged.
 *
 * <p>{@link #proposeBatch} proposes a q-batch from one such optimizer ({@link BayesOpt#suggest}
 * with q, the Kriging believer), seeded by the batch's first trial index.
 */
final class BoProposer {
  /**
   * Projected random feasible candidates given to the acquisition optimizer, with the exchange
   * moves, when none of its own meets the known constraint (on the zoo's MobileNet at 15% of the
   * parameters, 126 of 355 BO trials).
   */
  static final int FEASIBLE_CANDIDATES = 128;
  /** Exchange moves along the budget from the best feasible trial, in a thin feasible region. */
  static final int EXCHANGE_MOVES = 256;
  private final SearchSpace space;
  private final long seed;
  private final BayesOptState template;
  private final FeasibleSampler explorer;
  private final int exploreEvery;
  private final Predicate<double[]> alreadyMeasured;
  private final ObjectiveNoise noise;

  /**
   * @param explorer draws the exploration points (and replaces repeated proposals) and the feasible
   *     raw candidates of a thin feasible region ({@link FeasibleSampler#candidates})
   * @param exploreEvery every this many BO trials, one is a random feasible point instead (0: never,
   *     and repeated proposals are kept: pure BO)
   * @param measured true for a theta whose network was measured already (its proposal would be a
   *     wasted trial); null to allow repeats
   * @param noise the noise the GP is told each observation has
   */
  BoProposer(SearchSpace space, long seed, FeasibleSampler explorer, int exploreEvery,
      Predicate<double[]> measured, ObjectiveNoise noise) {
    this.noise = noise;
    this.space = space;
    this.seed = seed;
    this.template = BayesOpt.builder(space.boSpace()).build().state();
    this.explorer = explorer;
    this.exploreEvery = exploreEvery;
    this.alreadyMeasured = exploreEvery > 0 ? measured : null;
  }

  /** True when BO trial {@code boTrial} (counted from the end of the design) explores. */
  boolean explores(int boTrial) {
    return exploreEvery > 0 && boTrial % exploreEvery == exploreEvery - 1;
  }

  /** A random feasible point for trial {@code trial} ({@link FeasibleSampler}). */
  Proposal explore(int stage, int trial, double lambda, double kappa) {
    return new Proposal(explorer.random(stage, trial), EXPLORE, lambda, kappa, List.of());
  }

  /** The phase of exploration trials and of repeated proposals replaced by one. */
  static final String EXPLORE = "explore";

  /** A black-box constraint for the proposal: its name, threshold and per-trial values. */
  record Measured(String name, double threshold, ToDoubleFunction<TrialRecord> value) {}

  /**
   * The next theta.
   *
   * @param stage stage index (seeds the optimizer)
   * @param trial trial index within the stage (seeds the optimizer)
   * @param history the stage's trials so far, in order
   * @param y the objective of a successful trial (positive or zero)
   * @param known exact constraints on theta, or null
   * @param measured a black-box constraint, or null
   * @param fallback theta to use when the known constraints leave no point the optimizer finds
   */
  Proposal propose(int stage, int trial, List<TrialRecord> history,
      ToDoubleFunction<TrialRecord> y, KnownConstraint known, Measured measured,
      double[] fallback, double lambda, double kappa) {
    BayesOpt bo = build(stage, trial, history, y, known, measured);
    double[] x;
    try {
      x = bo.suggest(1).get(0);
    } catch (NoFeasiblePointException e) {
      x = fallback.clone();
    }
    List<SurrogateState> gp = bo.state().models();
    if (alreadyMeasured != null && alreadyMeasured.test(x)) {
      // The optimizer's choice resolves to a network measured before: a wasted trial. Explore.
      return new Proposal(explorer.random(stage, trial), EXPLORE, lambda, kappa, gp);
    }
    return new Proposal(x, "bo", lambda, kappa, gp);
  }

  /**
   * Trials {@code start .. start+size-1} from one optimizer built on {@code history} (the trials
   * before {@code start}): the exploring trials get their random feasible point, the others one
   * point each of {@code bo.suggest(m)}, in order. A point whose network {@code measured} says was
   * measured, or that resolves to the same network as an earlier point of the batch, is replaced
   * by a random feasible point (when exploring is on), as {@link #propose} does for repeats.
   *
   * @param explores true for the trials (by index) that explore
   * @param measured true for a theta measured by a trial before {@code start}
   */
  List<Proposal> proposeBatch(int stage, int start, int size, IntPredicate explores,
      List<TrialRecord> history, ToDoubleFunction<TrialRecord> y, KnownConstraint known,
      Measured measured, double[] fallback, double lambda, double kappa,
      Predicate<double[]> alreadyMeasuredBefore) {
    Proposal[] out = new Proposal[size];
    List<Integer> fromModel = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (explores.test(start + i)) {
        out[i] = explore(stage, start + i, lambda, kappa);
      } else {
        fromModel.add(i);
      }
    }
    if (!fromModel.isEmpty()) {
      BayesOpt bo = build(stage, start, history, y, known, measured);
      List<double[]> xs = new ArrayList<>();
      try {
        xs.addAll(bo.suggest(fromModel.size()));
      } catch (NoFeasiblePointException e) {
        for (int k = 0; k < fromModel.size(); k++) {
          xs.add(fallback.clone());
        }
      }
      List<SurrogateState> gp = bo.state().models();
      Set<String> chosen = new HashSet<>();
      for (int k = 0; k < fromModel.size(); k++) {
        int i = fromModel.get(k);
        double[] x = xs.get(k);
        boolean repeat = false;
        if (alreadyMeasured != null) {
          String key = networkKey(x);
          repeat = alreadyMeasuredBefore.test(x) || (key != null && !chosen.add(key));
        }
        out[i] = repeat ? new Proposal(explorer.random(stage, start + i), EXPLORE, lambda, kappa, gp)
            : new Proposal(x, "bo", lambda, kappa, gp);
      }
    }
    return List.of(out);
  }

  /** The network theta resolves to ({@link EvaluationCache#key}), or null when it fails to. */
  private String networkKey(double[] theta) {
    try {
      return EvaluationCache.key(space.resolve(theta));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private BayesOpt build(int stage, int trial, List<TrialRecord> history,
      ToDoubleFunction<TrialRecord> y, KnownConstraint known, Measured measured) {
    double delta = offset(history, y);
    List<Observation> obs = new ArrayList<>();
    List<SurrogateState> warm = List.of();
    for (TrialRecord r : history) {
      Evaluation e;
      if (r.failed()) {
        e = Evaluation.failed(r.failure());
      } else {
        double v = y.applyAsDouble(r) + delta;
        double se = noise.logStderr(r.distance().stderr(), v);
        e = Evaluation.of(Math.log(v), se);
        if (measured != null) {
          e = e.withConstraint(measured.name(), measured.value().applyAsDouble(r));
        }
      }
      obs.add(new Observation(r.theta(), e));
      if (!r.gp().isEmpty()) {
        warm = r.gp();
      }
    }
    Set<String> measuredNetworks = new HashSet<>();
    for (TrialRecord r : history) {
      if (r.planKey() != null) {  // "<base model>|<network>"
        measuredNetworks.add(r.planKey().substring(r.planKey().indexOf('|') + 1));
      }
    }
    BayesOpt.Builder b = BayesOpt.builder(space.boSpace())
        .seed(trialSeed(seed, stage, trial))
        .initialDesignSize(1)
        .observations(obs)
        // L on the fixed sample is deterministic: measuring a network again is a wasted trial
        .exclude(x -> measuredNetworks.contains(networkKey(x)));
    if (!warm.isEmpty()) {
      b.warmStart(new BayesOptState(template.version(), template.seed(), template.space(),
          template.kernel(), template.noise(), List.of(), List.of(), 0, 0, warm));
    }
    if (known != null) {
      b.knownConstraint(known);
      // known constraints come with objective L (constrained and boundary proposals)
      TrialRecord best = StageRunner.bestFeasible(history);
      double[] center = best == null ? null : best.theta();
      b.feasibleCandidates(() -> {
        List<double[]> thin = new ArrayList<>(explorer.exchanges(stage, trial, center,
            EXCHANGE_MOVES));
        thin.addAll(explorer.candidates(stage, trial, center, FEASIBLE_CANDIDATES));
        return thin;
      });
    }
    if (measured != null) {
      b.blackBoxConstraint(measured.name(), measured.threshold());
    }
    return b.build();
  }

  /** 1% of the smallest positive objective value so far (1e-12 when there is none). */
  private static double offset(List<TrialRecord> history, ToDoubleFunction<TrialRecord> y) {
    double min = Double.POSITIVE_INFINITY;
    for (TrialRecord r : history) {
      if (!r.failed()) {
        double v = y.applyAsDouble(r);
        if (v > 0) {
          min = Math.min(min, v);
        }
      }
    }
    return Double.isFinite(min) ? 0.01 * min : 1e-12;
  }

  /** SplitMix64 of the run seed with the stage and trial: the optimizer seed of one proposal. */
  static long trialSeed(long seed, int stage, int trial) {
    long z = seed + 0x9E3779B97F4A7C15L * (stage + 1L) + 0xBF58476D1CE4E5B9L * (trial + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

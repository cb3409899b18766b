package io.bocomp.bo;

import io.bocomp.bo.acquisition.AcquisitionFactory;
import io.bocomp.bo.constraint.BlackBoxConstraint;
import io.bocomp.bo.constraint.KnownConstraint;
import io.bocomp.bo.fit.HyperparameterPriors;
import io.bocomp.bo.fit.MapFitter;
import io.bocomp.bo.model.FixedHeteroscedasticNoise;
import io.bocomp.bo.model.GaussianProcess;
import io.bocomp.bo.model.Kernel;
import io.bocomp.bo.model.Matern52Kernel;
import io.bocomp.bo.model.ModelFittingException;
import io.bocomp.bo.model.NoiseModel;
import io.bocomp.bo.optim.AcquisitionOptimizer;
import io.bocomp.bo.optim.SobolSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Bayesian optimization of a noisy black box over a box of continuous and integer dimensions,
 * minimizing. One iteration: bring the GPs up to date (fit or rank-one update, {@link Surrogate}),
 * build the acquisition from the fitted posteriors, maximize it ({@link AcquisitionOptimizer}),
 * evaluate, record. Ask/tell ({@link #suggest}, {@link #observe}) or a closed loop
 * ({@link #minimize}).
 *
 * <p>Defaults: Matérn-5/2 ARD kernel; fixed heteroscedastic noise {@code (γ·se)²}, {@code γ = 1};
 * the corrected noisy EI in log scale; an initial scrambled Sobol design of {@code max(5, 2d)}
 * points (Ax's rule: enough points to see every dimension vary before fitting {@code d}
 * lengthscales); 512 raw samples and 8 L-BFGS-B restarts for the acquisition; refits by
 * {@link RefitPolicy#defaults()}; batches by the Kriging believer ({@link BatchProposer}).
 *
 * <p>Reproducible: everything random derives from the seed, the observation count and the
 * suggestion count, so equal seeds and equal observations give bit-identical suggestions, and
 * {@link #state()} / {@link Builder#resume} continue a run bit for bit. Methods are synchronized;
 * the objective is evaluated outside any lock by {@link #minimize}.
 *
 * <pre>{@code
 * BayesOpt bo = BayesOpt.builder(space).seed(7).build();
 * OptimizationResult r = bo.minimize(x -> Evaluation.of(f(x)), 50);
 * }</pre>
 */
public final class BayesOpt {
  private static final Logger LOG = Logger.getLogger("io.bocomp.bo");
  private static final int MAX_DESIGN_TRIES = 100_000;
  private static final int DISTINCT_DESIGN_TRIES = 1_000;

  private final Space space;
  private final long seed;
  private final int initialDesignSize;
  private final Kernel kernel;
  private final NoiseModel noise;
  private final List<BlackBoxConstraint> blackBox;
  private final Surrogate objectiveModel;
  private final List<Surrogate> constraintModels = new ArrayList<>();
  private final BatchProposer proposer;
  private final CertificateEstimator certifier;
  private final double certificateEpsilon;
  private final ObservationLog log;
  private final SobolSequence design;
  private long designIndex;
  private long suggestCalls;
  private final Supplier<? extends Collection<double[]>> feasibleCandidates;
  private final Predicate<double[]> excluded;

  private BayesOpt(Builder b) {
    this.space = b.space;
    this.seed = b.seed;
    int d = space.dimension();
    this.initialDesignSize = b.initialDesignSize > 0 ? b.initialDesignSize : Math.max(5, 2 * d);
    this.kernel = b.kernel;
    this.noise = b.noise;
    this.blackBox = List.copyOf(b.blackBox);
    this.log = new ObservationLog(space, b.known, blackBox);
    this.objectiveModel = new Surrogate("objective", kernel, noise, b.priors, b.fitter, b.refit, space.transform());
    for (BlackBoxConstraint c : blackBox) {
      constraintModels.add(new Surrogate(c.name(), kernel, noise, b.priors, b.fitter, b.refit, space.transform()));
    }
    this.proposer = new BatchProposer(b.acquisition, new AcquisitionOptimizer(b.optimizer), space.levels());
    this.certifier = new CertificateEstimator(Math.min(8192, Math.max(1024, 128 * d)), 128, 1024);
    this.certificateEpsilon = b.certificateEpsilon;
    this.design = SobolSequence.scrambled(d, mix(seed, 1, 0));
    this.feasibleCandidates = b.feasibleCandidates;
    this.excluded = b.excluded;
  }

  public static Builder builder(Space space) {
    return new Builder(space);
  }

  public Space space() {
    return space;
  }

  /** Size of the initial space-filling design. */
  public int initialDesignSize() {
    return initialDesignSize;
  }

  /** A snapshot of all observations so far, failed ones included. */
  public synchronized List<Observation> observations() {
    return log.observations();
  }

  /**
   * Proposes {@code q} points to evaluate next (user coordinates, integers exact). They count as
   * pending until observed: later suggestions avoid them (Kriging believer). Design points come
   * first: while fewer than {@code initialDesignSize} points are observed or pending, or fewer than
   * two evaluations succeeded.
   *
   * @throws InvalidSettingException when {@code q < 1}
   * @throws NoFeasiblePointException when the known constraints exclude every sampled point
   */
  public synchronized List<double[]> suggest(int q) {
    if (q < 1) {
      throw new InvalidSettingException("batch size q must be >= 1, got " + q);
    }
    long call = suggestCalls++;
    List<double[]> chosen = new ArrayList<>();
    int successes = log.successes();
    int taken = log.size() + log.pending().size();
    while (chosen.size() < q && (taken + chosen.size() < initialDesignSize || successes < 2)) {
      chosen.add(nextDesignPoint());
    }
    if (chosen.size() < q) {
      chosen.addAll(proposeFromModel(q - chosen.size(), chosen, call));
    }
    List<double[]> out = new ArrayList<>();
    for (double[] x : chosen) {
      log.addPending(x);
      out.add(x.clone());
    }
    return out;
  }

  /**
   * Records an evaluation at {@code x}; removes it from the pending suggestions if it was one. A
   * null evaluation, a NaN or infinite mean, or a non-finite black-box constraint value is
   * recorded as a failed evaluation.
   *
   * @throws InvalidObservationException for a point outside the box, a negative or non-finite
   *     standard error, or black-box constraint values missing or undeclared
   */
  public synchronized void observe(double[] x, Evaluation e) {
    log.record(x, e);
  }

  /**
   * Drops a pending suggestion that will not be evaluated (a worker died, the scheduler gave up), so
   * that later suggestions stop avoiding it. Pending points also end when observed.
   *
   * @return false when {@code x} was not pending
   */
  public synchronized boolean abandon(double[] x) {
    return log.removePending(space.validate(x));
  }

  /** Records an observation; see {@link #observe(double[], Evaluation)}. */
  public void observe(Observation o) {
    observe(o.x(), o.evaluation());
  }

  /** Evaluates {@code objective} at {@code budget} suggested points, one at a time. */
  public OptimizationResult minimize(Objective objective, int budget) {
    return minimize(objective, budget, o -> { });
  }

  /**
   * As {@link #minimize(Objective, int)}, telling {@code listener} about each observation. A thrown
   * exception, a null or a non-finite result is a failed evaluation: recorded, not fatal.
   *
   * @throws InvalidSettingException when {@code budget < 1}
   */
  public OptimizationResult minimize(Objective objective, int budget, Consumer<Observation> listener) {
    if (budget < 1) {
      throw new InvalidSettingException("budget must be >= 1 evaluation, got " + budget);
    }
    for (int t = 0; t < budget; t++) {
      double[] x = suggest(1).get(0);
      Evaluation e;
      try {
        e = objective.evaluate(x.clone());
      } catch (Exception ex) {
        e = Evaluation.failed(ex.toString());
      }
      Observation o;
      synchronized (this) {
        o = log.record(x, e);
      }
      listener.accept(o);
    }
    return result();
  }

  /** The best point so far, the trace and the certificate; has no effect on later suggestions. */
  public synchronized OptimizationResult result() {
    ObservationLog.ModelData data = log.modelData();
    List<Observation> all = log.observations();
    double[] trace = log.trace();
    GaussianProcess gp = null;
    Surrogate objectiveCopy = objectiveModel.copy();
    List<Surrogate> constraintCopies = new ArrayList<>();
    List<GaussianProcess> cons = new ArrayList<>();
    if (data.nc >= 2) {
      try {
        SplittableRandom rng = new SplittableRandom(mix(seed, 2, data.n));
        gp = objectiveCopy.update(data.x, data.y, data.se, data.n, rng);
        for (int k = 0; k < constraintModels.size(); k++) {
          Surrogate c = constraintModels.get(k).copy();
          constraintCopies.add(c);
          cons.add(c.update(data.xc, data.c[k], data.cse[k], data.nc, rng));
        }
      } catch (ModelFittingException e) {
        LOG.warning(() -> "no GP for the result: " + e.getMessage());
        gp = null;
      }
    }
    boolean exact = !noise.learnsHomoscedasticNoise() && Arrays.stream(data.se).allMatch(s -> s == 0);
    double[] score = exact || gp == null ? data.y : gp.trainingMeans();
    int bestRow = -1;
    for (int i = 0; i < data.n; i++) {
      if (data.eligible[i] && (bestRow < 0 || score[i] < score[bestRow])) {
        bestRow = i;
      }
    }
    if (bestRow < 0) {
      return new OptimizationResult(null, Double.NaN, Double.NaN, -1, all, trace, log.failures(), null);
    }
    int bestIndex = data.rows[bestRow];
    Observation best = all.get(bestIndex);
    Certificate cert = null;
    if (gp != null) {
      double eps = Double.isNaN(certificateEpsilon) ? data.onePercentOfRange() : certificateEpsilon;
      cert = certifier.estimate(gp, gp.trainingInput(bestRow), eps / objectiveCopy.scale(), eps, cons,
          thresholds(constraintCopies), log.knownFeasibility(), mix(seed, 4, data.n));
    }
    return new OptimizationResult(best.x(), best.evaluation().mean(), best.evaluation().stderr(), bestIndex, all,
        trace, log.failures(), cert);
  }

  /** The state to continue this run later with {@link Builder#resume}. */
  public synchronized BayesOptState state() {
    List<BayesOptState.ObservationRecord> obs = new ArrayList<>();
    for (Observation o : log.observations()) {
      obs.add(BayesOptState.ObservationRecord.of(o));
    }
    List<SurrogateState> models = new ArrayList<>();
    models.add(objectiveModel.state());
    for (Surrogate s : constraintModels) {
      models.add(s.state());
    }
    return new BayesOptState(BayesOptState.VERSION, seed, space.dimensions(), kernel.name(), noise.name(), obs,
        log.pending(), designIndex, suggestCalls, models);
  }

  private void restore(BayesOptState s) {
    if (!s.space().equals(space.dimensions())) {
      throw new InvalidSettingException("saved state is for space " + s.space() + ", not " + space.dimensions());
    }
    if (s.seed() != seed || !s.kernel().equals(kernel.name()) || !s.noise().equals(noise.name())) {
      throw new InvalidSettingException("saved state has seed " + s.seed() + ", kernel " + s.kernel() + ", noise "
          + s.noise() + "; the builder has seed " + seed + ", kernel " + kernel.name() + ", noise " + noise.name());
    }
    for (BayesOptState.ObservationRecord r : s.observations()) {
      Observation o = r.toObservation();
      log.record(o.x(), o.evaluation());
    }
    log.replacePending(s.pending());
    design.skip(s.designIndex());
    designIndex = s.designIndex();
    suggestCalls = s.suggestCalls();
    for (SurrogateState m : s.models()) {
      modelNamed(m.name()).ifPresent(model -> model.restore(m));
    }
  }

  private void warmStart(BayesOptState s) {
    if (!s.space().equals(space.dimensions()) || !s.kernel().equals(kernel.name())
        || !s.noise().equals(noise.name())) {
      throw new InvalidSettingException("warm-start state is for space " + s.space() + ", kernel " + s.kernel()
          + ", noise " + s.noise() + "; the builder has " + space.dimensions() + ", " + kernel.name() + ", "
          + noise.name());
    }
    for (SurrogateState m : s.models()) {
      modelNamed(m.name()).ifPresent(model -> model.warmStart(m));
    }
  }

  private java.util.Optional<Surrogate> modelNamed(String name) {
    if (objectiveModel.name().equals(name)) {
      return java.util.Optional.of(objectiveModel);
    }
    return constraintModels.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * Brings the GPs up to date with every observation now (refit or rank-one update, as the refit
   * policy says) instead of at the next {@link #suggest}; suggestions are the same either way. Use
   * it to take the fitting cost off a latency-critical path. No effect before two successes.
   *
   * @throws ModelFittingException when a GP cannot be fitted and has no earlier hyperparameters
   */
  public synchronized void updateModels() {
    ObservationLog.ModelData data = log.modelData();
    if (data.nc >= 2) {
      updateModels(data, new ArrayList<>());
    }
  }

  private GaussianProcess updateModels(ObservationLog.ModelData data, List<GaussianProcess> cons) {
    SplittableRandom rng = new SplittableRandom(mix(seed, 2, data.n));
    GaussianProcess obj = objectiveModel.update(data.x, data.y, data.se, data.n, rng);
    for (int k = 0; k < constraintModels.size(); k++) {
      cons.add(constraintModels.get(k).update(data.xc, data.c[k], data.cse[k], data.nc, rng));
    }
    return obj;
  }

  private List<double[]> proposeFromModel(int r, List<double[]> chosen, long call) {
    ObservationLog.ModelData data = log.modelData();
    GaussianProcess obj;
    List<GaussianProcess> cons = new ArrayList<>();
    try {
      obj = updateModels(data, cons);
    } catch (ModelFittingException e) {
      LOG.warning(() -> "no usable GP (" + e.getMessage() + "); proposing space-filling points instead");
      List<double[]> out = new ArrayList<>();
      for (int i = 0; i < r; i++) {
        out.add(nextDesignPoint());
      }
      return out;
    }
    List<double[]> pendingModel = modelPoints(() -> chosen, modelPoints(log::pending, List.of()));
    List<double[]> out = new ArrayList<>();
    try {
      List<double[]> us;
      try {
        us = proposer.propose(r, obj, data.eligible, cons, thresholds(constraintModels), pendingModel,
            log.proposable(excluded), null, mix(seed, 3, call));
      } catch (NoFeasiblePointException e) {
        if (feasibleCandidates == null) {
          throw e;
        }
        // a thin feasible region: the caller's feasible candidates join the raw samples
        us = proposer.propose(r, obj, data.eligible, cons, thresholds(constraintModels), pendingModel,
            log.proposable(excluded), modelPoints(feasibleCandidates, List.of()), mix(seed, 3, call));
      }
      for (double[] u : us) {
        out.add(space.toUser(u));
      }
    } catch (NoFeasiblePointException e) {
      // the feasible region is too small for the raw samples: fall back to the (longer) design search
      LOG.info(() -> e.getMessage() + "; drawing space-filling points instead");
      while (out.size() < r) {
        out.add(nextDesignPoint());
      }
    }
    return out;
  }

  /** {@code into} plus the points of {@code source} (user coordinates; null: none) in the unit cube. */
  private List<double[]> modelPoints(Supplier<? extends Collection<double[]>> source,
      List<double[]> into) {
    List<double[]> out = new ArrayList<>(into);
    if (source != null) {
      source.get().forEach(x -> out.add(space.toModel(x)));
    }
    return out;
  }

  /** Black-box thresholds in the standardized units of each constraint's surrogate. */
  private double[] thresholds(List<Surrogate> models) {
    double[] th = new double[models.size()];
    for (int k = 0; k < th.length; k++) {
      Surrogate s = models.get(k);
      th[k] = (blackBox.get(k).threshold() - s.center()) / s.scale();
    }
    return th;
  }

  private double[] nextDesignPoint() {
    double[] u = new double[space.dimension()];
    for (int tries = 0; tries < MAX_DESIGN_TRIES; tries++) {
      design.next(u, 0);
      designIndex++;
      double[] x = space.toUser(u);
      if (!log.satisfiesKnown(x) || log.isFailedPoint(x)) {
        continue;
      }
      if (tries < DISTINCT_DESIGN_TRIES && log.isTaken(x)) {
        continue;
      }
      return x;
    }
    throw new NoFeasiblePointException("no point satisfying the known constraints " + log.knownNames() + " among "
        + MAX_DESIGN_TRIES + " Sobol points");
  }

  /** SplitMix64-style mixing of the seed with a stream id and a counter. */
  static long mix(long seed, long stream, long counter) {
    long z = seed + 0x9E3779B97F4A7C15L * (stream + 1) + 0xBF58476D1CE4E5B9L * counter;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Configures a {@link BayesOpt}. Every option has a default; {@link #build()} validates. */
  public static final class Builder {
    private final Space space;
    private long seed;
    private int initialDesignSize;
    private Kernel kernel = new Matern52Kernel();
    private NoiseModel noise = new FixedHeteroscedasticNoise(1.0);
    private HyperparameterPriors priors = HyperparameterPriors.defaults();
    private AcquisitionFactory acquisition = AcquisitionFactory.noisyExpectedImprovement();
    private AcquisitionOptimizer.Settings optimizer = AcquisitionOptimizer.Settings.defaults();
    private MapFitter fitter = MapFitter.defaults();
    private RefitPolicy refit = RefitPolicy.defaults();
    private final List<KnownConstraint> known = new ArrayList<>();
    private final List<BlackBoxConstraint> blackBox = new ArrayList<>();
    private double certificateEpsilon = Double.NaN;
    private final List<Observation> observations = new ArrayList<>();
    private BayesOptState resume;
    private BayesOptState warmStart;
    private Supplier<? extends Collection<double[]>> feasibleCandidates;
    private Predicate<double[]> excluded;

    private Builder(Space space) {
      if (space == null) {
        throw new InvalidSpaceException("no search space given");
      }
      this.space = space;
    }

    /** Seed of everything random (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Size of the initial Sobol design (default {@code max(5, 2d)}). */
    public Builder initialDesignSize(int size) {
      if (size < 1) {
        throw new InvalidSettingException("initial design size must be >= 1, got " + size);
      }
      this.initialDesignSize = size;
      return this;
    }

    /** Kernel profile (default Matérn-5/2); ARD lengthscales are always fitted. */
    public Builder kernel(Kernel kernel) {
      this.kernel = java.util.Objects.requireNonNull(kernel, "kernel");
      return this;
    }

    /** Noise model (default fixed heteroscedastic with {@code γ = 1}). */
    public Builder noise(NoiseModel noise) {
      this.noise = java.util.Objects.requireNonNull(noise, "noise");
      return this;
    }

    public Builder priors(HyperparameterPriors priors) {
      this.priors = java.util.Objects.requireNonNull(priors, "priors");
      return this;
    }

    /** Acquisition (default corrected noisy EI in log scale). */
    public Builder acquisition(AcquisitionFactory acquisition) {
      this.acquisition = java.util.Objects.requireNonNull(acquisition, "acquisition");
      return this;
    }

    public Builder acquisitionOptimizer(AcquisitionOptimizer.Settings settings) {
      this.optimizer = java.util.Objects.requireNonNull(settings, "settings");
      return this;
    }

    public Builder fitter(MapFitter fitter) {
      this.fitter = java.util.Objects.requireNonNull(fitter, "fitter");
      return this;
    }

    public Builder refitPolicy(RefitPolicy policy) {
      this.refit = java.util.Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** A constraint known in closed form, on user points; see {@link KnownConstraint}. */
    public Builder knownConstraint(KnownConstraint constraint) {
      known.add(java.util.Objects.requireNonNull(constraint, "constraint"));
      return this;
    }

    public Builder knownConstraint(String name, Predicate<double[]> satisfied) {
      return knownConstraint(KnownConstraint.of(name, satisfied));
    }

    /** A measured constraint {@code c(x) ≤ threshold}; every evaluation must report it by name. */
    public Builder blackBoxConstraint(String name, double threshold) {
      BlackBoxConstraint c;
      try {
        c = new BlackBoxConstraint(name, threshold);
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException(e.getMessage());
      }
      if (blackBox.stream().anyMatch(b -> b.name().equals(name))) {
        throw new InvalidSettingException("black-box constraint '" + name + "' is declared twice");
      }
      blackBox.add(c);
      return this;
    }

    /** Tolerance of the certificate in objective units (default 1% of the observed range). */
    public Builder certificateEpsilon(double epsilon) {
      if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
        throw new InvalidSettingException("certificate epsilon must be finite and >= 0, got " + epsilon);
      }
      this.certificateEpsilon = epsilon;
      return this;
    }

    /** Past observations to start from (validated like {@link BayesOpt#observe}); not re-evaluated. */
    public Builder observations(Collection<Observation> past) {
      observations.addAll(past);
      return this;
    }

    /**
     * Start the first GP fits from the hyperparameters of an earlier run on the same space, kernel
     * and noise model (e.g. the run before the observations were re-weighted): the first fit is then
     * one warm-started L-BFGS-B run instead of a multi-start fit. Observations are not taken over.
     */
    public Builder warmStart(BayesOptState earlier) {
      this.warmStart = java.util.Objects.requireNonNull(earlier, "earlier");
      return this;
    }

    /**
     * Points (user coordinates) that meet the known constraints, scored as extra raw candidates
     * of the acquisition optimizer when none of its own raw candidates does (a feasible region
     * too thin for Sobol sampling and local perturbations); without them such a proposal falls
     * back to a space-filling point. Asked for only then.
     */
    public Builder feasibleCandidates(Supplier<? extends Collection<double[]>> points) {
      this.feasibleCandidates = points;
      return this;
    }

    /**
     * Points (user coordinates) the acquisition optimizer must not propose, e.g. those whose
     * deterministic objective is already known. Unlike a known constraint, an observation at such
     * a point stays feasible and may be the incumbent. The initial design ignores it.
     */
    public Builder exclude(Predicate<double[]> points) {
      this.excluded = points;
      return this;
    }

    /** Continue the run saved in {@code state}; the builder must be configured as for that run. */
    public Builder resume(BayesOptState state) {
      this.resume = java.util.Objects.requireNonNull(state, "state");
      return this;
    }

    public BayesOpt build() {
      if (!blackBox.isEmpty() && !acquisition.supportsFeasibilityWeighting()) {
        throw new InvalidSettingException("acquisition '" + acquisition.name()
            + "' cannot be combined with black-box constraints");
      }
      if (resume != null && warmStart != null) {
        throw new InvalidSettingException("resume and warmStart exclude each other: a resumed run has its own fits");
      }
      BayesOpt bo = new BayesOpt(this);
      if (resume != null) {
        bo.restore(resume);
      }
      if (warmStart != null) {
        bo.warmStart(warmStart);
      }
      for (Observation o : observations) {
        bo.observe(o.x(), o.evaluation());
      }
      return bo;
    }
  }
}

package io.bocomp.tune;

import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressionResult;
import io.bocomp.compress.ResolvedPlan;
import java.util.Optional;

/**
 * Turns a proposal into a {@link TrialRecord}: resolves the plan of theta, looks its network up in
 * the {@link EvaluationCache}, and only when it was never measured builds the compressed graph from
 * the cached factors, measures L from the first changed layer ({@link IncrementalEvaluator}) and,
 * when the run constrains latency, times it ({@link LatencyMeter}). Costs are analytic and come
 * with the resolved plan.
 *
 * <p>A trial fails (a record with its reason, no distance, never feasible, never cached) when its
 * plan cannot be built or evaluated, or when the compressed network's distance is NaN or infinite
 * (low-rank factors whose products overflow float32, an op such as Log meeting a zero it never met
 * in the original). The optimizer imputes a failed trial at the worst objective value seen so far
 * (a penalty: {@code io.bocomp.bo.ObservationLog}) and does not propose its point again.
 *
 * <p>For trials measured elsewhere ({@link BatchStageRunner}: a worker measures L), the same steps
 * are offered apart: {@link #resolve}, then {@link #cachedRecord} or, once the worker answered,
 * {@link #measuredRecord} / {@link #failedRecord}, which fill the cache as {@link #evaluate} does.
 */
final class TrialEvaluator {
  private final SearchSpace space;
  private final IncrementalEvaluator evaluator;
  private final LatencySource latency;
  private final EvaluationCache cache;
  private final String cachePrefix;
  private final CostMetric metric;
  private final PlanCost original;
  private final double budget;

  /**
   * @param cachePrefix distinguishes networks of different base models in a shared cache
   * @param latency the latency meter, or null when latency is not measured
   * @param original the original model's costs (fractions are relative to them)
   * @param budget B as a fraction of the original cost
   */
  TrialEvaluator(SearchSpace space, IncrementalEvaluator evaluator, LatencySource latency,
      EvaluationCache cache, String cachePrefix, CostMetric metric, PlanCost original,
      double budget) {
    this.space = space;
    this.evaluator = evaluator;
    this.latency = latency;
    this.cache = cache;
    this.cachePrefix = cachePrefix;
    this.metric = metric;
    this.original = original;
    this.budget = budget;
  }

  /** R(theta) in closed form (analytic metrics only). */
  double analyticR(double[] theta) {
    return PlanCost.analytic(space.resolve(theta)).fraction(metric, original);
  }

  /** True when the network theta resolves to was measured before (in this run). */
  boolean measured(double[] theta) {
    try {
      return cache.contains(cachePrefix + "|" + EvaluationCache.key(space.resolve(theta)));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * A theta's resolved plan and cache key ({@code failure} null), or why it does not resolve.
   *
   * @param millis time spent resolving
   */
  record Resolved(ResolvedPlan plan, String key, RuntimeException failure, double millis) {}

  /** Resolves theta and computes its cache key, as {@link #evaluate} does first. */
  Resolved resolve(double[] theta) {
    long t0 = System.nanoTime();
    try {
      ResolvedPlan plan = space.resolve(theta);
      return new Resolved(plan, cachePrefix + "|" + EvaluationCache.key(plan), null, ms(t0));
    } catch (RuntimeException e) {
      return new Resolved(null, "", e, ms(t0));
    }
  }

  /** True when the cache holds a measurement of this key (no hit is counted). */
  boolean cacheHolds(String key) {
    return cache.contains(key);
  }

  /** The record of a trial whose network is in the cache (counts a hit). */
  TrialRecord cachedRecord(int stage, int trial, Proposal p, Resolved r, double boMillis) {
    EvaluationCache.Measured m = cache.lookup(r.key()).orElseThrow();
    return record(stage, trial, p, r.key(), true, m,
        new TrialTiming(boMillis, r.millis(), 0, 0, 0));
  }

  /**
   * The record of a trial measured elsewhere; its measurement enters the cache.
   *
   * @param buildMillis building and compiling the compressed graph where it was measured
   */
  TrialRecord measuredRecord(int stage, int trial, Proposal p, Resolved r, Distance d,
      double boMillis, double buildMillis, double forwardMillis, double distanceMillis) {
    if (!Double.isFinite(d.mean())) {
      return failedRecord(stage, trial, p, r, nonFinite(d.mean()), boMillis,
          buildMillis + forwardMillis + distanceMillis);
    }
    EvaluationCache.Measured m = new EvaluationCache.Measured(d, PlanCost.analytic(r.plan()));
    cache.put(r.key(), m);
    return record(stage, trial, p, r.key(), false, m, new TrialTiming(boMillis,
        r.millis() + buildMillis, forwardMillis, distanceMillis, 0));
  }

  /** The record of a trial that failed to resolve or to be measured ({@code why}: the reason). */
  TrialRecord failedRecord(int stage, int trial, Proposal p, Resolved r, String why,
      double boMillis, double measureMillis) {
    return new TrialRecord(stage, trial, p.phase(), p.theta(), r.key(), false, null, why, null,
        Double.NaN, false, p.lambda(), p.kappa(), p.gp(),
        new TrialTiming(boMillis, r.millis() + measureMillis, 0, 0, 0));
  }

  /** Why a resolution failed, as a failed record says it. */
  static String reason(RuntimeException e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  TrialRecord evaluate(int stage, int trial, Proposal p, double boMillis) {
    double[] theta = p.theta();
    long t0 = System.nanoTime();
    ResolvedPlan plan;
    String key;
    try {
      plan = space.resolve(theta);
      key = cachePrefix + "|" + EvaluationCache.key(plan);
    } catch (RuntimeException e) {
      return failed(stage, trial, p, "", e, new TrialTiming(boMillis, ms(t0), 0, 0, 0));
    }
    Optional<EvaluationCache.Measured> hit = cache.lookup(key);
    if (hit.isPresent()) {
      return record(stage, trial, p, key, true, hit.get(),
          new TrialTiming(boMillis, ms(t0), 0, 0, 0));
    }
    try {
      CompressionResult c = plan.plan().apply(space.factors().model().graph(), space.factors(),
          ApplyOptions.defaults());
      double build = ms(t0);
      IncrementalEvaluator.Result r = evaluator.evaluate(plan, c.graph());
      if (!Double.isFinite(r.distance().mean())) {
        return failed(stage, trial, p, key, nonFinite(r.distance().mean()),
            new TrialTiming(boMillis, build + r.compileNanos() / 1e6, r.forwardNanos() / 1e6,
                r.distanceNanos() / 1e6, 0));
      }
      PlanCost cost = PlanCost.analytic(plan);
      double lat = 0;
      if (latency != null) {
        long l0 = System.nanoTime();
        cost = cost.withLatency(latency.measure(c.graph()));
        lat = ms(l0);
      }
      EvaluationCache.Measured m = new EvaluationCache.Measured(r.distance(), cost);
      cache.put(key, m);
      return record(stage, trial, p, key, false, m, new TrialTiming(boMillis,
          build + r.compileNanos() / 1e6, r.forwardNanos() / 1e6, r.distanceNanos() / 1e6, lat));
    } catch (RuntimeException e) {
      return failed(stage, trial, p, key, e, new TrialTiming(boMillis, ms(t0), 0, 0, 0));
    }
  }

  private TrialRecord record(int stage, int trial, Proposal p, String key, boolean cached,
      EvaluationCache.Measured m, TrialTiming timing) {
    double r = m.cost().fraction(metric, original);
    return new TrialRecord(stage, trial, p.phase(), p.theta(), key, cached, m.distance(), null,
        m.cost(), r, feasible(r, budget), p.lambda(), p.kappa(), p.gp(), timing);
  }

  private static TrialRecord failed(int stage, int trial, Proposal p, String key,
      RuntimeException e, TrialTiming timing) {
    return failed(stage, trial, p, key, e.getClass().getSimpleName() + ": " + e.getMessage(),
        timing);
  }

  /** Why a network whose distance is NaN or infinite failed (its outputs overflowed float32). */
  static String nonFinite(double distance) {
    return "non-finite output: the compressed network's distance is " + distance
        + " (its outputs overflow float32 or are NaN)";
  }

  private static TrialRecord failed(int stage, int trial, Proposal p, String key, String why,
      TrialTiming timing) {
    return new TrialRecord(stage, trial, p.phase(), p.theta(), key, false, null, why, null,
        Double.NaN, false, p.lambda(), p.kappa(), p.gp(), timing);
  }

  /** r within the budget (with a relative slack of 1e-12 for rounding in the fraction). */
  static boolean feasible(double r, double budget) {
    return r <= budget * (1 + 1e-12);
  }

  private static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }
}

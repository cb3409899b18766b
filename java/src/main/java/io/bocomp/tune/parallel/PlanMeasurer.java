package io.bocomp.tune.parallel;

import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.CompressionResult;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.engine.Backend;
import io.bocomp.model.Graph;
import io.bocomp.tune.IncrementalEvaluator;
import java.util.LinkedHashSet;

/**
 * One worker's measurer of a stage's plans: an {@link IncrementalEvaluator} on the worker's own
 * backend over the stage's base (with the fixed entries applied once), exactly as the sequential
 * tuner builds it. {@link #measure} resolves a plan against the factors, applies it to the base
 * graph, and runs it from its first changed layer. Not thread-safe: one per worker.
 */
public final class PlanMeasurer implements AutoCloseable {
  private final StageContext context;
  private final IncrementalEvaluator evaluator;
  private final String worker;

  /**
   * Builds the evaluator (one forward pass of the base over the samples, caching the activations
   * at the changing layers' boundaries).
   *
   * @param backend the worker's backend (not closed by this measurer)
   * @param cacheBytes memory limit of the cached activations
   * @param worker the worker's name, carried into each {@link Measurement}
   */
  public PlanMeasurer(Backend backend, StageContext context, long cacheBytes, String worker) {
    this.context = context;
    this.evaluator = evaluator(backend, context, cacheBytes);
    this.worker = worker;
  }

  /** The stage's evaluator over its base, with the stage's fixed entries applied once. */
  private static IncrementalEvaluator evaluator(Backend backend, StageContext context,
      long cacheBytes) {
    CompressibleModel baseCm = context.factors().model();
    LinkedHashSet<String> changing = new LinkedHashSet<>(context.changing());
    if (context.fixed().isEmpty()) {
      return new IncrementalEvaluator(backend, baseCm, context.samples(), context.reference(),
          context.objective(), changing, cacheBytes);
    }
    Graph fixed = CompressionPlan.of(context.fixed())
        .apply(baseCm.graph(), context.factors(), ApplyOptions.defaults()).graph();
    return new IncrementalEvaluator(backend, CompressibleModel.of(context.base().withGraph(fixed)),
        context.samples(), context.reference(), context.objective(), changing, cacheBytes, true);
  }

  /** L of {@code plan}; any failure (a plan out of range, a kernel error) is a failed measurement. */
  public Measurement measure(CompressionPlan plan) {
    long t0 = System.nanoTime();
    try {
      ResolvedPlan resolved = plan.resolve(context.factors(), ApplyOptions.defaults());
      CompressionResult c = plan.apply(context.factors().model().graph(), context.factors(),
          ApplyOptions.defaults());
      double build = (System.nanoTime() - t0) / 1e6;
      IncrementalEvaluator.Result r = evaluator.evaluate(resolved, c.graph());
      return new Measurement(r.distance(), null, build + r.compileNanos() / 1e6,
          r.forwardNanos() / 1e6, r.distanceNanos() / 1e6, worker);
    } catch (RuntimeException e) {
      return new Measurement(null, e.getClass().getSimpleName() + ": " + e.getMessage(),
          (System.nanoTime() - t0) / 1e6, 0, 0, worker);
    }
  }

  /** Forward passes this measurer ran. */
  public long forwardPasses() {
    return evaluator.forwardPasses();
  }

  @Override
  public void close() {
    evaluator.close();
  }
}

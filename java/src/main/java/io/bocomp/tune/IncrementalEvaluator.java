package io.bocomp.tune;

import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Measures L(theta) of compressed graphs of one base model, re-running each only from its first
 * changed layer: the base model's activations at the boundaries before every layer the search may
 * change are cached once per sample batch ({@link ActivationCache}); a trial compiles the compressed
 * graph and feeds it the cached boundary of its first changed layer (or the latest cached one
 * before it), so {@link Executable#run} skips everything upstream. Nodes before that layer are
 * identical in the compressed graph (plans rewrite layers in place and keep value names), so the
 * result equals a full forward pass.
 *
 * <p>The reference outputs are the ORIGINAL model's (computed once, {@link #referenceOutputs});
 * the base model may differ from it in a staged run whose hook replaced the model. Counts the
 * forward passes it runs ({@link #forwardPasses()}), one per evaluated plan, so tests can prove
 * that nothing is evaluated twice. Not thread-safe.
 */
public final class IncrementalEvaluator implements AutoCloseable {
  /** Timings of one evaluation, in nanoseconds, and where the forward pass started. */
  public record Result(Distance distance, long compileNanos, long forwardNanos,
      long distanceNanos, int startNode) {}

  private final Backend backend;
  private final CompressibleModel base;
  private final List<Tensor> reference;
  private final DistanceObjective objective;
  private final Executable original;
  private final ActivationCache cache;
  private final String output;
  private final int samples;
  private final java.util.Set<String> changing;
  private final boolean baseHasFixedChanges;
  private long forwardPasses;

  /**
   * @param backend where to run
   * @param base the model plans are applied to
   * @param samples the sample inputs
   * @param reference the original model's outputs on each sample batch
   * @param objective the per-sample distance
   * @param changing names of the layers plans may change (boundaries are cached before them)
   * @param cacheBytes memory limit for cached activations
   */
  public IncrementalEvaluator(Backend backend, CompressibleModel base, SampleSet samples,
      List<Tensor> reference, DistanceObjective objective, Collection<String> changing,
      long cacheBytes) {
    this(backend, base, samples, reference, objective, changing, cacheBytes, false);
  }

  /**
   * As above, on a base model that already carries fixed changes (an earlier stage's plan or
   * frozen layers, applied once): plans still name those layers, but they are in the cached
   * activations, so a trial starts at its first changed layer among {@code changing}.
   *
   * @param baseHasFixedChanges true when {@code base} differs from the reference model (then a
   *     plan changing none of {@code changing} is measured, not taken as distance 0)
   */
  public IncrementalEvaluator(Backend backend, CompressibleModel base, SampleSet samples,
      List<Tensor> reference, DistanceObjective objective, Collection<String> changing,
      long cacheBytes, boolean baseHasFixedChanges) {
    this.changing = java.util.Set.copyOf(changing);
    this.baseHasFixedChanges = baseHasFixedChanges;
    this.backend = backend;
    this.base = base;
    this.reference = List.copyOf(reference);
    this.objective = objective;
    this.samples = samples.size();
    Graph g = base.shapedGraph();
    this.output = g.outputs().get(0).name();
    this.original = backend.compile(g, base.opset());
    TreeSet<Integer> cuts = new TreeSet<>();
    for (String name : changing) {
      base.layer(name).ifPresent(l -> cuts.add(l.nodeIndex()));
    }
    this.cache = new ActivationCache(original, g, samples.batches(), cuts, cacheBytes);
  }

  /** The original model's first output on every sample batch. */
  public static List<Tensor> referenceOutputs(Backend backend, Model original, SampleSet samples) {
    try (Executable e = backend.compile(original)) {
      String in = original.graph().inputs().get(0).name();
      String out = original.graph().outputs().get(0).name();
      List<Tensor> refs = new ArrayList<>();
      for (Tensor b : samples.batches()) {
        refs.add(e.run(Map.of(in, b), List.of(out)).get(out));
      }
      return refs;
    }
  }

  /**
   * L of a compressed graph, from the first layer {@code plan} changes. A plan that changes nothing
   * is the original model: distance 0, no forward pass.
   *
   * @param plan the resolved plan
   * @param compressed the graph {@code plan} produced from the base model
   */
  public Result evaluate(ResolvedPlan plan, Graph compressed) {
    int first = Integer.MAX_VALUE;
    for (LayerChoice c : plan.choices()) {
      if (c.untouched()) {
        continue;
      }
      if (changing.contains(c.name())) {
        // the index in this evaluator's base (it may hold fixed changes the plan repeats)
        first = Math.min(first, base.layer(c.name()).map(l -> l.nodeIndex()).orElse(0));
      } else if (!baseHasFixedChanges) {
        first = Math.min(first, c.layer().nodeIndex());
      }
    }
    if (first == Integer.MAX_VALUE) {
      if (!baseHasFixedChanges) {
        return new Result(Distance.zero(samples), 0, 0, 0, -1);
      }
      first = Integer.MAX_VALUE - 1; // the fixed changes alone: from the last cached boundary
    }
    ActivationCache.Boundary b = cache.before(first);
    return run(compressed, b.feeds(), b.nodeIndex());
  }

  /** L of a graph by a full forward pass from the inputs (no cached activations). */
  public Result evaluateFull(Graph g) {
    return run(g, cache.before(0).feeds(), 0);
  }

  private Result run(Graph g, List<Map<String, Tensor>> feeds, int start) {
    long t0 = System.nanoTime();
    try (Executable exe = backend.compile(g, base.opset())) {
      long t1 = System.nanoTime();
      List<DistanceStats> parts = new ArrayList<>();
      long fwd = 0;
      long dist = 0;
      for (int i = 0; i < feeds.size(); i++) {
        long a = System.nanoTime();
        if (objective.fused()) {
          parts.add(objective.measure(exe, feeds.get(i), output, reference.get(i)));
          fwd += System.nanoTime() - a;
        } else {
          Tensor out = exe.run(feeds.get(i), List.of(output)).get(output);
          long m = System.nanoTime();
          parts.add(objective.reduce(out, reference.get(i)));
          fwd += m - a;
          dist += System.nanoTime() - m;
        }
      }
      long p0 = System.nanoTime();
      Distance d = Distance.pool(parts);
      dist += System.nanoTime() - p0;
      forwardPasses++;
      return new Result(d, t1 - t0, fwd, dist, start);
    }
  }

  /** Forward passes run so far (one per evaluated graph, over all sample batches). */
  public long forwardPasses() {
    return forwardPasses;
  }

  /** Node indices with cached activations (0: the inputs). */
  public java.util.Set<Integer> cachedBoundaries() {
    return cache.indices();
  }

  /** Bytes of cached activations. */
  public long cachedBytes() {
    return cache.bytes();
  }

  public CompressibleModel base() {
    return base;
  }

  @Override
  public void close() {
    original.close();
  }
}

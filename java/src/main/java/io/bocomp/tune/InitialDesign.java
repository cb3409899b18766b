package io.bocomp.tune;

import io.bocomp.bo.optim.SobolSequence;
import io.bocomp.tune.alloc.AllocationProblem;
import io.bocomp.tune.alloc.Allocator;
import io.bocomp.tune.alloc.Allocators;
import io.bocomp.tune.alloc.NotApplicableException;
import java.util.ArrayList;
import java.util.List;

/**
 * The first trials of a stage, before any GP is fitted: the seed points (the uniform plan at the
 * budget, then the one-shot allocators' plans, {@link io.bocomp.tune.alloc}: strong feasible starts
 * and the baselines the tuner must beat; then up to three plans that compress one dimension only,
 * {@link #singleDimensionSeeds}; a seed whose plan an earlier seed already has is dropped),
 * then points of a scrambled Sobol sequence over the box (seeded, so every dimension varies before
 * d lengthscales are fitted), restricted to the points that meet the budget in closed form when a
 * {@link FeasibleSampler} is given. The seeds come on top of the Sobol points, so the space-filling
 * part is the same with or without them.
 */
final class InitialDesign {
  /** A seed point and its journal phase ("uniform", "allocator:alds", ...). */
  record Seed(String phase, double[] theta) {}

  private final List<double[]> points = new ArrayList<>();
  private final List<String> phases = new ArrayList<>();

  /**
   * @param space the search space
   * @param sobol number of Sobol design points
   * @param max most points in all (the stage's trials): Sobol points beyond it are dropped
   * @param seed seed of the Sobol scrambling
   * @param seeds points tried first, in order (duplicate plans dropped)
   * @param feasible keeps only Sobol points within the budget, or null for the whole box
   */
  InitialDesign(SearchSpace space, int sobol, int max, long seed, List<Seed> seeds,
      FeasibleSampler feasible) {
    java.util.Set<String> plans = new java.util.HashSet<>();
    for (Seed s : seeds) {
      if (plans.add(EvaluationCache.key(space.resolve(s.theta())))) {
        points.add(s.theta().clone());
        phases.add(s.phase());
      }
    }
    sobol = Math.max(0, Math.min(sobol, max - points.size()));
    if (feasible != null) {
      for (double[] p : feasible.sobol(sobol, seed)) {
        points.add(p);
        phases.add("design");
      }
      return;
    }
    SobolSequence seq = SobolSequence.scrambled(space.dimension(), seed);
    double[] u = new double[space.dimension()];
    for (int i = 0; i < sobol; i++) {
      seq.next(u, 0);
      points.add(space.fromUnit(u));
      phases.add("design");
    }
  }

  int size() {
    return points.size();
  }

  double[] point(int t) {
    return points.get(t).clone();
  }

  String phase(int t) {
    return phases.get(t);
  }

  /**
   * The one-shot spectral allocators' plans at the stage's budget ({@link Allocators#spectral}), as
   * design seeds "allocator:NAME"; a rule that does not apply (pruning fractions) or cannot meet
   * the budget gives none. Deterministic: a function of the factors, the space and the budget, so
   * a resumed run seeds the same points. A latency budget is met in MACs, as the uniform start.
   */
  static List<Seed> allocatorSeeds(SearchSpace space, CostMetric metric, double fraction) {
    List<Seed> out = new ArrayList<>();
    AllocationProblem problem = AllocationProblem.of(space, metric, fraction);
    for (Allocator a : Allocators.spectral()) {
      try {
        out.add(new Seed("allocator:" + a.name(), a.allocate(problem).theta()));
      } catch (NotApplicableException | InfeasibleBudgetException e) {
        // this rule has no plan here; the others and the Sobol points still seed the design
      }
    }
    return out;
  }

  /** Most single-dimension seeds a stage gets. */
  static final int MAX_SINGLE_SEEDS = 3;

  /**
   * Seeds that compress one dimension only ("single:NAME"): for each dimension that can meet the
   * budget alone (every other layer dense), the least cut of it that does, found on its value
   * ladder ({@link SearchSpace#values}) with the full resolve; the {@link #MAX_SINGLE_SEEDS}
   * dimensions that keep the largest share of their own ladder come first. The spectral rules
   * spread a cut over every layer by spectral error; on a network whose output is sensitive to most
   * layers and cheap in one (PaddleOCR's recognizer: one neck convolution, docs/results.md) every
   * such plan and every Sobol point collapses the output, and these seeds are the only points of
   * the design with a slope for the GP. None for pruning fractions or bit widths, or when no single
   * dimension reaches the budget. Deterministic, as {@link #allocatorSeeds}.
   */
  static List<Seed> singleDimensionSeeds(SearchSpace space, CostMetric metric, double fraction) {
    if (space.parametrization() == Parametrization.PRUNE
        || space.knobs().stream().anyMatch(SearchSpace.Knob::isBits)) {
      return List.of();
    }
    PlanCost original = PlanCost.original(space.factors());
    double[] dense = new double[space.dimension()];
    for (int k = 0; k < dense.length; k++) {
      dense[k] = space.knobs().get(k).upper();
    }
    java.util.function.ToDoubleFunction<double[]> cost =
        t -> PlanCost.analytic(space.resolve(t)).fraction(metric, original);
    double limit = fraction * (1 + 1e-12);
    List<double[]> found = new ArrayList<>(); // {k, index, share kept}
    for (int k = 0; k < dense.length; k++) {
      double[] values = space.values(k);
      double[] t = dense.clone();
      t[k] = values[0];
      if (cost.applyAsDouble(t) > limit) {
        continue; // not even this dimension's strongest cut meets the budget alone
      }
      int lo = 0; // feasible
      int hi = values.length - 1;
      while (lo < hi) { // the largest feasible index: cost grows with the value
        int mid = (lo + hi + 1) >>> 1;
        t[k] = values[mid];
        if (cost.applyAsDouble(t) <= limit) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      found.add(new double[] {k, lo, values.length > 1 ? lo / (values.length - 1.0) : 0});
    }
    found.sort((a, b) -> a[2] != b[2] ? Double.compare(b[2], a[2]) : Double.compare(a[0], b[0]));
    List<Seed> out = new ArrayList<>();
    for (double[] f : found.subList(0, Math.min(MAX_SINGLE_SEEDS, found.size()))) {
      int k = (int) f[0];
      double[] t = dense.clone();
      t[k] = space.values(k)[(int) f[1]];
      out.add(new Seed("single:" + space.knobs().get(k).name(), t));
    }
    return out;
  }
}

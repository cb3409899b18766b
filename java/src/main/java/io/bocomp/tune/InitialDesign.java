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
 * and the baselines the tuner must beat; a seed whose plan an earlier seed already has is dropped),
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
}

package io.bocomp.tune;

import io.bocomp.compress.PlanEntry;
import io.bocomp.tune.alloc.UniformAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Builds what one stage of the {@link Tuner} searches: its {@link SearchSpace.Options} from the
 * run's settings, and its {@link Search} ({@link LagrangianSearch} or {@link ConstrainedSearch})
 * with the initial design the run asks for. Algorithm: the design has {@code initial_design}
 * points, or {@code min(max(5, 2d), ceil(trials / 2))}; a budget with no closed form (latency)
 * seeds the uniform plan by its MACs fraction instead; the Lagrangian step is
 * {@code trials_per_lambda}, or {@code max(3, ceil(d / 2))}. Limits: pure construction, no I/O; the
 * proposals are functions of the seed and the stage index only.
 */
final class StageSearches {
  private StageSearches() {}

  /**
   * The search of stage {@code k}: an initial design (the uniform plan at the budget, the one-shot
   * allocators' plans, feasible random points) and BO proposals, driven by the Lagrangian or the
   * constrained mode of {@code config}.
   */
  static Search search(RunConfig config, PlanCost originalCost, int k, SearchSpace space,
      int trials, double fraction, Budget budget, TrialEvaluator evaluator) {
    int d = space.dimension();
    int designSize = config.initialDesign > 0 ? Math.min(config.initialDesign, trials)
        : Math.min(Math.max(5, 2 * d), (trials + 1) / 2);
    ToDoubleFunction<double[]> analytic = budget.metric().analytic() ? evaluator::analyticR : null;
    // Latency has no closed form: the uniform start meets the budget's fraction in MACs instead.
    ToDoubleFunction<double[]> proxy = analytic != null ? analytic
        : theta -> PlanCost.analytic(space.resolve(theta)).fraction(CostMetric.MACS, originalCost);
    double[] uniform = UniformAllocator.atBudget(space, proxy, fraction);
    double[] fallback = uniform != null ? uniform : space.strongest();
    FeasibleSampler feasible = new FeasibleSampler(space, proxy, fraction, config.seed);
    List<InitialDesign.Seed> seeds = new ArrayList<>();
    boolean uniformSeed = config.uniformStart && uniform != null;
    if (uniformSeed) {
      seeds.add(new InitialDesign.Seed("uniform", uniform));
    }
    if (config.allocatorStart) {
      CostMetric seedMetric = budget.metric().analytic() ? budget.metric() : CostMetric.MACS;
      seeds.addAll(InitialDesign.allocatorSeeds(space, seedMetric, fraction));
      seeds.addAll(InitialDesign.singleDimensionSeeds(space, seedMetric, fraction));
    }
    InitialDesign design = new InitialDesign(space, designSize - (uniformSeed ? 1 : 0), trials,
        BoProposer.trialSeed(config.seed, k, -1), seeds, feasible);
    BoProposer proposer = new BoProposer(space, config.seed,
        feasible, config.exploreEvery, evaluator::measured,
        config.noise);
    if (config.mode == RunConfig.Mode.CONSTRAINED) {
      return new ConstrainedSearch(k, design, proposer, fraction, trials,
          CoolingSchedule.named(config.cooling, config.coolingEta), analytic, fallback);
    }
    int step = config.trialsPerLambda > 0 ? config.trialsPerLambda : Math.max(3, (d + 1) / 2);
    return new LagrangianSearch(k, design, proposer, fraction, step, analytic,
        config.boundaryEvery, fallback);
  }

  /** The search-space options of {@code stage}, with {@code fixed} entries from earlier stages. */
  static SearchSpace.Options spaceOptions(RunConfig config, Stage stage, List<PlanEntry> fixed) {
    List<LayerPattern> include = new ArrayList<>();
    stage.layers().forEach(g -> include.add(LayerPattern.of(g)));
    List<LayerPattern> exclude = new ArrayList<>();
    config.exclude.forEach(g -> exclude.add(LayerPattern.of(g)));
    Map<LayerPattern, Double> freeze = new java.util.LinkedHashMap<>();
    config.freeze.forEach((g, v) -> freeze.put(LayerPattern.of(g), v));
    List<List<LayerPattern>> groups = new ArrayList<>();
    for (List<String> g : config.groups) {
      List<LayerPattern> ps = new ArrayList<>();
      g.forEach(s -> ps.add(LayerPattern.of(s)));
      groups.add(ps);
    }
    return new SearchSpace.Options(config.methodOf(stage), config.parametrization, include, exclude,
        freeze, groups, fixed, config.maxPruneFraction, config.budgetOf(stage).metric(),
        config.minSaving).withQuantization(config.bits, config.quantGroup);
  }
}

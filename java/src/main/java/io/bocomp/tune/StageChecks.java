package io.bocomp.tune;

import io.bocomp.BocompException;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.model.Graph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The {@link Tuner}'s checks of a stage before and after it searches: that the budget is within
 * reach of the stage's search space, that every layer pattern of the run matches a layer, and that
 * some trial met the budget. Algorithm: analytic budgets are checked exactly at the space's
 * strongest plan; a latency budget by timing a few uniform plans ({@link #LATENCY_PROBES}), again
 * up to {@link #LATENCY_ROUNDS} rounds while they seem too slow. Limits:
 * the latency check is an estimate (noise, and plans between the probes are not timed).
 */
final class StageChecks {
  /** Positions in each dimension's range (0: strongest) of the plans timed for reachability. */
  private static final double[] LATENCY_PROBES = {0, 0.1, 0.25, 0.5};
  /** Rounds of probes before a latency budget is refused (each probe's fastest reading counts). */
  static final int LATENCY_ROUNDS = 3;

  private StageChecks() {}

  /**
   * Throws when the budget is out of reach. Analytic costs: exact, the strongest compression of
   * the space. Latency: an estimate, the fastest of {@link #LATENCY_PROBES} uniform plans measured
   * (the strongest plan is not the fastest: rank-1 Tucker chains triple the layer count, and on
   * the default model at batch 8 ran slower than the original).
   */
  static void checkReachable(RunConfig config, PlanCost originalCost,
      LongFunction<LatencySource> latencySource, SearchSpace space, Stage stage, Budget budget,
      double fraction) {
    double r;
    if (budget.metric().analytic()) {
      r = PlanCost.analytic(space.resolve(space.strongest())).fraction(budget.metric(),
          originalCost);
    } else {
      LatencySource meter = latencySource.apply(space.factors().model().opset());
      double fastest = Double.POSITIVE_INFINITY;
      boolean up = space.parametrization().higherCompresses();
      double[] u = new double[space.dimension()];
      List<Graph> probes = new ArrayList<>();
      for (double level : LATENCY_PROBES) {
        java.util.Arrays.fill(u, up ? 1 - level : level);
        probes.add(space.plan(space.fromUnit(u)).apply(space.factors().model().graph(),
            space.factors(), ApplyOptions.defaults()).graph());
      }
      // A wall-clock reading early in a process can be far off (one probe read 9.32 ms where the
      // same plan ran in 5.15 ms): a refusal needs every round of probes to agree.
      for (int round = 0; round < LATENCY_ROUNDS
          && !(fastest / originalCost.latencyMs() <= fraction); round++) {
        for (Graph g : probes) {
          fastest = Math.min(fastest, meter.measure(g));
        }
      }
      r = fastest / originalCost.latencyMs();
    }
    if (r > fraction) {
      double reach = budget.metric().analytic() ? r : r * originalCost.latencyMs();
      String how = budget.metric().analytic()
          ? "every searched layer at its strongest setting"
          : "the fastest of " + LATENCY_PROBES.length + " uniform plans measured " + LATENCY_ROUNDS
              + " times, every searched layer at 0, 10, 25 or 50% of its range from the strongest"
              + " setting";
      throw new InfeasibleBudgetException(String.format(java.util.Locale.ROOT,
          "%s is below what compression reaches%s: the smallest reachable value is %.6g"
              + " (%s); raise the budget or search more layers", budget.describe(),
          config.stages.size() > 1 ? " in stage '" + stage.name() + "'" : "", reach, how), reach);
    }
  }

  /**
   * A layer pattern that matches no compressible layer is a typo that would silently change what
   * the run searches: --exclude, --freeze, --group and the first stage's layers are checked
   * against the model (later stages may name layers of a hook's replacement model).
   */
  static void checkPatternsMatch(RunConfig config, CompressibleModel model, Stage first) {
    Map<String, String> patterns = new java.util.LinkedHashMap<>();
    config.exclude.forEach(g -> patterns.put(g, "--exclude"));
    config.freeze.keySet().forEach(g -> patterns.put(g, "--freeze"));
    config.groups.forEach(gs -> gs.forEach(g -> patterns.put(g, "--group")));
    first.layers().forEach(g -> patterns.put(g, "the layers of stage '" + first.name() + "'"));
    for (Map.Entry<String, String> e : patterns.entrySet()) {
      LayerPattern p = LayerPattern.of(e.getKey());
      if (model.layers().stream().noneMatch(l -> p.matches(l.name()))) {
        throw new TuneConfigException(e.getValue() + ": '" + e.getKey() + "' matches no"
            + " compressible layer of the model (`bocomp inspect` lists them, e.g. '"
            + model.layers().get(0).name() + "')");
      }
    }
  }

  /** {@code best}, or an error naming the stage and the budget no trial met. */
  static TrialRecord requireFeasible(TrialRecord best, Stage stage, Budget budget) {
    if (best == null) {
      throw new BocompException("no trial of stage '" + stage.name() + "' met " + budget.describe()
          + "; raise --trials or the budget (the journal and report show the trials)");
    }
    return best;
  }
}

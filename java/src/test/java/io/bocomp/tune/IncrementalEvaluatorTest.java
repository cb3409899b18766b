package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Trials from cached boundaries equal full forward passes, also on a base with fixed changes. */
class IncrementalEvaluatorTest {

  @Test
  void trialsFromCachedBoundariesEqualFullForwardPassesWithAndWithoutFixedChanges() {
    Model model = ModelLoader.loadDefault();
    CompressibleModel cm = CompressibleModel.of(model);
    ModelFactors factors = FactorCache.withDefaults(new CpuDecompositions()).load(cm, null);
    // the first searched conv frozen at half its ranks: a fixed change early in the network
    SearchSpace.Options o = new SearchSpace.Options(MethodChoice.AUTO, Parametrization.RANK,
        List.of(), List.of(), Map.of(LayerPattern.of("/features/features.3/*"), 0.5), List.of(),
        List.of(), 0.99, CostMetric.PARAMS, 0.01);
    SearchSpace space = SearchSpace.build(factors, o);
    assertThat(space.fixedEntries()).hasSize(1);
    List<String> searched = new ArrayList<>();
    space.knobs().forEach(k -> searched.addAll(k.layers()));
    Graph fixedGraph = CompressionPlan.of(space.fixedEntries())
        .apply(cm.graph(), factors, ApplyOptions.defaults()).graph();
    SampleSet samples = SampleSet.draw(ModelLoader.defaultSample(), 16, 3, 8);
    try (CpuBackend b = new CpuBackend()) {
      List<Tensor> ref = IncrementalEvaluator.referenceOutputs(b, model, samples);
      try (IncrementalEvaluator plain = new IncrementalEvaluator(b, cm, samples, ref,
              DistanceObjective.squared(), searched, 1L << 28);
          IncrementalEvaluator staged = new IncrementalEvaluator(b,
              CompressibleModel.of(model.withGraph(fixedGraph)), samples, ref,
              DistanceObjective.squared(), searched, 1L << 28, true)) {
        SplittableRandom rng = new SplittableRandom(5);
        double[] u = new double[space.dimension()];
        for (int i = 0; i < 6; i++) {
          for (int k = 0; k < u.length; k++) {
            u[k] = i == 0 ? 1 : rng.nextDouble(); // trial 0: every searched layer dense
          }
          double[] theta = space.fromUnit(u);
          ResolvedPlan plan = space.resolve(theta);
          Graph g = plan.plan().apply(cm.graph(), factors, ApplyOptions.defaults()).graph();
          double full = plain.evaluateFull(g).distance().mean();
          IncrementalEvaluator.Result fromPlain = plain.evaluate(plan, g);
          IncrementalEvaluator.Result fromStaged = staged.evaluate(plan, g);
          assertThat(full).as("trial %d changes the network", i).isPositive();
          assertThat(fromPlain.distance().mean()).isCloseTo(full, within(1e-6 * full));
          assertThat(fromStaged.distance().mean()).isCloseTo(full, within(1e-6 * full));
          // the staged evaluator starts after the frozen conv, the plain one at it
          assertThat(fromStaged.startNode()).isGreaterThan(fromPlain.startNode());
        }
      }
    }
  }
}

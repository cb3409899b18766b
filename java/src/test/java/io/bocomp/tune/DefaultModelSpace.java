package io.bocomp.tune;

import io.bocomp.ModelLoader;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.engine.cpu.CpuDecompositions;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The default model's search space on one scale, with its parameters fraction r(theta). */
record DefaultModelSpace(ModelFactors factors, SearchSpace space, ToDoubleFunction<double[]> r) {
  static DefaultModelSpace of(Parametrization scale) {
    ModelFactors factors = FactorCache.withDefaults(new CpuDecompositions())
        .load(CompressibleModel.of(ModelLoader.loadDefault()), null);
    SearchSpace space = SearchSpace.build(factors, new SearchSpace.Options(MethodChoice.AUTO,
        scale, List.of(), List.of(), Map.of(), List.of(), List.of(), 0.99, CostMetric.PARAMS, 0));
    PlanCost original = PlanCost.original(factors);
    return new DefaultModelSpace(factors, space,
        t -> PlanCost.analytic(space.resolve(t)).fraction(CostMetric.PARAMS, original));
  }
}

package io.bocomp.bench;

import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.Method;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The state a trial benchmark starts from: every compressible layer of a model decomposed once
 * into the factor cache (default settings, on {@link CpuDecompositions}), a plan that sets every
 * layer at a fraction of its ranks, and the check that a trial never decomposes. The plan puts
 * Tucker-2 layers at {@code max(1, floor(f * C))} on each mode ({@code f = tuckerFraction}) and
 * the others at SVD rank {@code max(1, floor(svdFraction * min(in, out)))}, capped at the rank the
 * cache holds (a randomized SVD keeps fewer triplets).
 */
final class TrialFixture {
  final ModelFactors factors;
  final CompressionPlan plan;
  private final CpuDecompositions decompositions = new CpuDecompositions();

  TrialFixture(CompressibleModel model, double tuckerFraction, double svdFraction) {
    factors = new FactorCache(decompositions, FactorCache.Settings.defaults(), null).compute(model);
    List<PlanEntry> entries = new ArrayList<>();
    for (CompressibleLayer l : model.layers()) {
      if (l.methods().contains(Method.TUCKER2)) {
        entries.add(PlanEntry.tucker2(l.name(), Math.max(1, (int) (l.inputs() * tuckerFraction)),
            Math.max(1, (int) (l.outputs() * tuckerFraction))));
      } else {
        int max = factors.of(l.name()).orElseThrow().maxRank();
        int r = (int) (Math.min(l.inputs(), l.outputs()) * svdFraction);
        entries.add(PlanEntry.svdRank(l.name(), Math.max(1, Math.min(max, r))));
      }
    }
    plan = CompressionPlan.of(entries);
  }

  /** Runs {@code trial} and throws if it made the decompositions factorize anything. */
  void requireNoDecomposition(Runnable trial) {
    long before = decompositions.decompositionCount();
    trial.run();
    if (decompositions.decompositionCount() != before) {
      throw new IllegalStateException("a trial decomposed a layer");
    }
  }
}

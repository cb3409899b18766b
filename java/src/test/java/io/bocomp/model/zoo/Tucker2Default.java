package io.bocomp.model.zoo;

import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.Method;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded default model compressed as the tuner's plans compress it, for speed work: every
 * convolution at half its Tucker-2 ranks (chains of 1x1, kxk, 1x1), the FC layers at a quarter of
 * their SVD rank. Factors computed in memory (no cache written).
 */
public final class Tucker2Default {
  private Tucker2Default() {}

  public static Model build() {
    Model m = ModelLoader.loadDefault();
    CompressibleModel cm = CompressibleModel.of(m);
    ModelFactors f = new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(),
        null).compute(cm);
    List<PlanEntry> entries = new ArrayList<>();
    for (CompressibleLayer l : cm.layers()) {
      if (l.methods().contains(Method.TUCKER2)) {
        entries.add(PlanEntry.tucker2(l.name(), Math.max(1, l.inputs() / 2),
            Math.max(1, l.outputs() / 2)));
      } else {
        int max = f.of(l.name()).orElseThrow().maxRank();
        int r = Math.min(l.inputs(), l.outputs()) / 4;
        entries.add(PlanEntry.svdRank(l.name(), Math.max(1, Math.min(max, r))));
      }
    }
    Graph g = CompressionPlan.of(entries).apply(m.graph(), f, ApplyOptions.defaults()).graph();
    return ModelLoader.prepare(m.withGraph(g));
  }
}

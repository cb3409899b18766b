package io.bocomp.compress.cost;

import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.compress.cost.CostReport.LayerCost;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measured latency in milliseconds on a {@link Backend}: the median of {@code runs} timed forward
 * passes after {@code warmup} untimed ones, on a given input (its first dimension is the batch).
 *
 * <p>Whole model: one run of the graph. Per layer: the layer's own nodes only (its input activation
 * is fed and its output wanted, so the executable skips everything else; see
 * {@link Executable#run}); the activations come from one untimed run. The {@link CostReport#OTHER}
 * row is the whole-model median minus the sum of the layer medians, so it carries the measurement
 * noise. The original model is measured once per instance and reused. Not analytic: timings vary
 * with machine load; use enough runs.
 */
public final class LatencyCost implements CostModel {
  private final Backend backend;
  private final ModelFactors factors;
  private final ApplyOptions options;
  private final Tensor input;
  private final int warmup;
  private final int runs;
  private Map<String, Double> originalLayers;
  private double originalTotal;

  /**
   * @param backend where to run
   * @param factors the model's factors (to build compressed graphs)
   * @param options how plans are applied
   * @param input one input batch for the model's first graph input
   * @param warmup untimed runs before timing
   * @param runs timed runs (the median is reported)
   */
  public LatencyCost(Backend backend, ModelFactors factors, ApplyOptions options, Tensor input,
      int warmup, int runs) {
    if (runs < 1 || warmup < 0) {
      throw new IllegalArgumentException("need runs >= 1 and warmup >= 0");
    }
    this.backend = backend;
    this.factors = factors;
    this.options = options;
    this.input = input;
    this.warmup = warmup;
    this.runs = runs;
  }

  @Override
  public String metric() {
    return "latency_ms";
  }

  @Override
  public synchronized CostReport evaluate(ResolvedPlan plan) {
    List<CompressibleLayer> layers = factors.model().layers();
    if (originalLayers == null) {
      originalLayers = new LinkedHashMap<>();
      originalTotal = measure(factors.model().shapedGraph(), layers, originalLayers);
    }
    Graph compressed = plan.plan().apply(factors.model().graph(), factors, options).graph();
    Map<String, Double> perLayer = new LinkedHashMap<>();
    double total = measure(compressed, layers, perLayer);
    List<LayerCost> rows = new ArrayList<>();
    double sumOrig = 0;
    double sumComp = 0;
    for (LayerChoice c : plan.choices()) {
      double o = originalLayers.get(c.name());
      double n = perLayer.get(c.name());
      rows.add(new LayerCost(c.name(), o, n));
      sumOrig += o;
      sumComp += n;
    }
    rows.add(new LayerCost(CostReport.OTHER, originalTotal - sumOrig, total - sumComp));
    return new CostReport(metric(), rows, originalTotal, total);
  }

  /** Median whole-graph latency; per-layer medians into {@code perLayer}. */
  private double measure(Graph g, List<CompressibleLayer> layers, Map<String, Double> perLayer) {
    try (Executable exe = backend.compile(g)) {
      String in = g.inputs().get(0).name();
      String out = g.outputs().get(0).name();
      Map<String, Tensor> feeds = Map.of(in, input);
      double total = median(() -> exe.run(feeds, List.of(out)));
      List<String> layerInputs = new ArrayList<>();
      for (CompressibleLayer l : layers) {
        layerInputs.add(inputOf(l));
      }
      Map<String, Tensor> acts = exe.run(feeds, layerInputs.stream().distinct().toList());
      for (CompressibleLayer l : layers) {
        String x = inputOf(l);
        Map<String, Tensor> f = x.equals(in) ? feeds : Map.of(x, acts.get(x));
        String y = outputOf(l);
        perLayer.put(l.name(), median(() -> exe.run(f, List.of(y))));
      }
      return total;
    }
  }

  private String inputOf(CompressibleLayer l) {
    Node n = factors.model().graph().nodes().get(l.nodeIndex());
    return n.input(0);
  }

  private String outputOf(CompressibleLayer l) {
    return factors.model().graph().nodes().get(l.nodeIndex()).output(0);
  }

  private double median(Runnable r) {
    for (int i = 0; i < warmup; i++) {
      r.run();
    }
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      r.run();
      t[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(t);
    return runs % 2 == 1 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
  }
}

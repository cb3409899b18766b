package io.bocomp.compress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan checked against a model, with every layer's final shape fixed ({@link LayerChoice}, one per
 * compressible layer, in graph order). What the analytic cost models and {@link PlanApplier} read;
 * building it never touches the graph.
 */
public final class ResolvedPlan {
  private final CompressibleModel model;
  private final CompressionPlan plan;
  private final List<LayerChoice> choices;
  private final Map<String, LayerChoice> byName;

  ResolvedPlan(CompressibleModel model, CompressionPlan plan, List<LayerChoice> choices) {
    this.model = model;
    this.plan = plan;
    this.choices = List.copyOf(choices);
    Map<String, LayerChoice> m = new LinkedHashMap<>();
    for (LayerChoice c : choices) {
      m.put(c.name(), c);
    }
    this.byName = Collections.unmodifiableMap(m);
  }

  public CompressibleModel model() {
    return model;
  }

  public CompressionPlan plan() {
    return plan;
  }

  /** One choice per compressible layer, in graph order. */
  public List<LayerChoice> choices() {
    return choices;
  }

  /** The choice for a layer. */
  public LayerChoice choice(String layer) {
    LayerChoice c = byName.get(layer);
    if (c == null) {
      throw new IllegalArgumentException("no layer '" + layer + "'");
    }
    return c;
  }

  /** What resolution changed, one line per layer ("conv3: kept dense: ..."). */
  public List<String> notes() {
    List<String> out = new ArrayList<>();
    for (LayerChoice c : choices) {
      if (c.note() != null) {
        out.add(c.name() + ": " + c.note());
      }
    }
    return out;
  }
}

package io.bocomp.tune;

import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.ResolvedPlan;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every plan measured in a run, keyed by its RESOLVED form (final method, ranks, kept channels and
 * zeroed weights of every changed layer), so two thetas that round to the same network share one
 * evaluation, across all Lagrange multipliers, bounds and stages of the run. This is the "no
 * network is evaluated twice" guarantee; the journal refills it on resume.
 */
public final class EvaluationCache {
  /** What one network evaluation measured. */
  public record Measured(Distance distance, PlanCost cost) {}

  private final Map<String, Measured> byKey = new HashMap<>();

  /**
   * The cache key of a resolved plan: "name:method:rank:r_in:r_out:kept_out:kept_in:zeroed" for
   * each layer that differs from the base model, in graph order, joined by ';' (empty for no
   * change); a quantized layer adds ":b&lt;bits&gt;" and, for a group size, "g&lt;group&gt;".
   */
  public static String key(ResolvedPlan plan) {
    StringBuilder b = new StringBuilder();
    for (LayerChoice c : plan.choices()) {
      if (c.untouched()) {
        continue;
      }
      if (b.length() > 0) {
        b.append(';');
      }
      b.append(c.name()).append(':').append(c.method() == null ? "dense" : c.method().json())
          .append(':').append(c.rank()).append(':').append(c.rankIn()).append(':')
          .append(c.rankOut()).append(':').append(c.keptOutputs()).append(':')
          .append(c.keptInputs()).append(':').append(c.zeroedWeights());
      if (c.quantized()) {
        b.append(":b").append(c.bits());
        if (c.group() > 0) {
          b.append('g').append(c.group());
        }
      }
    }
    return b.toString();
  }

  /** The measurement of a plan key, if any. */
  public Optional<Measured> lookup(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  public boolean contains(String key) {
    return byKey.containsKey(key);
  }

  public void put(String key, Measured m) {
    byKey.put(key, m);
  }

  /** Distinct plans measured. */
  public int size() {
    return byKey.size();
  }
}

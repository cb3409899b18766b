package io.bocomp.tune;


/**
 * The resource R a tuning run constrains: parameters, multiply-accumulates and weight bytes are
 * analytic (closed form from a resolved plan, {@link io.bocomp.compress.cost.AnalyticCost}, exact and
 * free); latency is measured on the backend (a median of timed forward passes, noisy).
 */
public enum CostMetric {
  PARAMS("params", "--max-params"),
  MACS("macs", "--max-macs"),
  BYTES("bytes", "--max-bytes"),
  LATENCY_MS("latency_ms", "--max-latency-ms");

  private final String json;
  private final String option;

  CostMetric(String json, String option) {
    this.json = json;
    this.option = option;
  }

  /** The name used in run files, journals and result.json. */
  public String json() {
    return json;
  }

  /** The command-line option that sets a budget on this metric. */
  public String option() {
    return option;
  }

  /** True for the metrics computed in closed form (everything but latency). */
  public boolean analytic() {
    return this != LATENCY_MS;
  }

  /** The metric named {@code s} ("params", "macs", "bytes", "latency_ms"), or null. */
  public static CostMetric fromJson(String s) {
    return JsonNames.find(values(), e -> e.json, s);
  }
}

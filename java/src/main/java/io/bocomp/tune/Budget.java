package io.bocomp.tune;

/**
 * The constraint R(theta) &lt;= B of a tuning run. For the analytic metrics {@code limit} is a
 * fraction of the original model's cost (0.25: a quarter of the parameters); for
 * {@link CostMetric#LATENCY_MS} it is an absolute latency in milliseconds, turned into a fraction
 * of the original model's measured latency once that is known ({@link #fraction}).
 *
 * @param metric what is constrained
 * @param limit the bound: a fraction of the original (analytic metrics) or milliseconds (latency)
 */
public record Budget(CostMetric metric, double limit) {
  public Budget {
    if (metric == null) {
      throw new IllegalArgumentException("budget needs a metric");
    }
    if (!(limit > 0) || Double.isInfinite(limit)) {
      throw new TuneConfigException(metric.option() + " must be a positive number, got " + limit);
    }
  }

  /** The bound as a fraction of the original cost ({@code originalValue} in the metric's unit). */
  public double fraction(double originalValue) {
    return metric.analytic() ? limit : limit / originalValue;
  }

  /** "--max-params 0.25" for messages. */
  public String describe() {
    return metric.option() + " " + limit;
  }
}

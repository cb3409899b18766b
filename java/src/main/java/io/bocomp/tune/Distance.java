package io.bocomp.tune;

import io.bocomp.engine.Decompositions.DistanceStats;
import java.util.List;

/**
 * L(theta) as measured: the mean over the n sampled inputs of the per-sample distance between the
 * compressed and the original model's outputs, with the standard error of that mean.
 *
 * @param mean mean per-sample distance
 * @param stderr standard error of the mean (sample standard deviation / sqrt(n), 0 for n = 1)
 * @param n number of samples
 */
public record Distance(double mean, double stderr, int n) {

  /** The distance of no change (the original model): exactly 0. */
  public static Distance zero(int n) {
    return new Distance(0, 0, n);
  }

  /**
   * Pools per-batch results over all their samples, with {@link DistanceStats#compute}'s
   * definition (double, sequential sums, n - 1 denominator).
   */
  public static Distance pool(List<DistanceStats> batches) {
    int n = 0;
    double sum = 0;
    for (DistanceStats s : batches) {
      for (double v : s.perSample()) {
        sum += v;
        n++;
      }
    }
    double mean = sum / n;
    double ss = 0;
    for (DistanceStats s : batches) {
      for (double v : s.perSample()) {
        ss += (v - mean) * (v - mean);
      }
    }
    return new Distance(mean, n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0.0, n);
  }
}

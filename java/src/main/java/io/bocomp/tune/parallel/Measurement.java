package io.bocomp.tune.parallel;

import io.bocomp.tune.Distance;

/**
 * What a worker sends back for one trial: L with its standard error over the samples (or why the
 * measurement failed), and where its time went. Costs are not part of it: they are analytic, and
 * the driver has them from the resolved plan it already holds.
 *
 * @param distance L, or null when the measurement failed
 * @param failure why it failed ("ExceptionClass: message", as a sequential run records it), or
 *     null
 * @param buildMillis applying the plan to the base graph and compiling it
 * @param forwardMillis running it from its first changed layer (with the fused distance)
 * @param distanceMillis reducing the distance on the host
 * @param worker which worker measured it ("local-1", "10.0.0.5:5701/2")
 */
public record Measurement(Distance distance, String failure, double buildMillis,
    double forwardMillis, double distanceMillis, String worker) {

  public boolean failed() {
    return distance == null;
  }
}

package io.bocomp.tune;

/**
 * Where one trial's time went, in milliseconds: proposing theta ({@code bo}: fitting the GP and
 * maximizing the acquisition), building the compressed network ({@code compression}: resolving the
 * plan, slicing the cached factors, compiling), running it from the first changed layer
 * ({@code forward}; on the CPU it includes the squared-distance reduction, made in the same read of
 * the logits), reducing the distance on the host ({@code distance}), and measuring latency
 * ({@code latency}, when the run constrains it). A cached plan costs only {@code bo}.
 */
public record TrialTiming(double bo, double compression, double forward, double distance,
    double latency) {
  public static final TrialTiming NONE = new TrialTiming(0, 0, 0, 0, 0);

  public double total() {
    return bo + compression + forward + distance + latency;
  }

  public TrialTiming plus(TrialTiming o) {
    return new TrialTiming(bo + o.bo, compression + o.compression, forward + o.forward,
        distance + o.distance, latency + o.latency);
  }
}

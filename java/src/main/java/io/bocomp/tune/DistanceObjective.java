package io.bocomp.tune;

import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.Executable;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-sample distance of Ma et al.'s objective between a compressed model's outputs f~(x) and
 * the original's f(x) (its logits).
 *
 * <ul>
 *   <li>{@link Divergence#SQUARED} (default): ||f~(x) - f(x)||^2 over the sample's output values.
 *       Computed by {@link Executable#distanceToReference}: on the CPU the reduction reads the
 *       output once where the last layer wrote it (no copy of the logits, no second pass); a GPU
 *       executable reduces on the device and returns n + 2 numbers.
 *   <li>{@link Divergence#KL}: temperature-softened KL(softmax(f(x)/T) || softmax(f~(x)/T)) T^2
 *       (Hinton et al.'s distillation scaling, so values are comparable across T), computed on the
 *       host over the last axis of a [n, classes] output.
 * </ul>
 */
public final class DistanceObjective {
  /** Which per-sample distance. */
  public enum Divergence {
    SQUARED("squared"),
    KL("kl");

    private final String json;

    Divergence(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }

    public static Divergence fromJson(String s) {
      return JsonNames.find(values(), e -> e.json, s);
    }
  }

  private final Divergence divergence;
  private final double temperature;

  private DistanceObjective(Divergence divergence, double temperature) {
    this.divergence = divergence;
    this.temperature = temperature;
  }

  /** Squared L2 distance of the outputs. */
  public static DistanceObjective squared() {
    return new DistanceObjective(Divergence.SQUARED, 1);
  }

  /**
   * Softened KL divergence at temperature {@code t}.
   *
   * @throws TuneConfigException unless t is positive and finite
   */
  public static DistanceObjective kl(double t) {
    if (!(t > 0) || Double.isInfinite(t)) {
      throw new TuneConfigException("the KL temperature must be a positive number, got " + t);
    }
    return new DistanceObjective(Divergence.KL, t);
  }

  /** The objective a run file or the CLI names ("squared", or "kl" with a temperature). */
  public static DistanceObjective of(Divergence d, double temperature) {
    return d == Divergence.KL ? kl(temperature) : squared();
  }

  public Divergence divergence() {
    return divergence;
  }

  public double temperature() {
    return temperature;
  }

  /**
   * Runs {@code exe} on {@code feeds} and measures value {@code output} against {@code reference}.
   */
  public DistanceStats measure(Executable exe, Map<String, Tensor> feeds, String output,
      Tensor reference) {
    if (divergence == Divergence.SQUARED) {
      return exe.distanceToReference(feeds, output, reference);
    }
    Tensor out = exe.run(feeds, List.of(output)).get(output);
    return softenedKl(out, reference, temperature);
  }

  /**
   * True when {@link #measure} reduces inside the executable ({@link
   * Executable#distanceToReference}); false when it runs the graph and then reduces on the host
   * with {@link #reduce}.
   */
  public boolean fused() {
    return divergence == Divergence.SQUARED;
  }

  /** The per-sample distances of computed outputs to the reference, on the host. */
  public DistanceStats reduce(Tensor outputs, Tensor reference) {
    return divergence == Divergence.SQUARED ? DistanceStats.compute(outputs, reference)
        : softenedKl(outputs, reference, temperature);
  }

  /** Per-sample softened KL, reduced like {@link DistanceStats#compute}. */
  static DistanceStats softenedKl(Tensor outputs, Tensor reference, double t) {
    if (!java.util.Arrays.equals(outputs.shape(), reference.shape()) || outputs.rank() != 2) {
      throw new IllegalArgumentException("KL needs equal [n, classes] outputs, got " + outputs
          + " and " + reference);
    }
    int n = outputs.dim(0);
    int c = outputs.dim(1);
    FloatBuffer o = outputs.data();
    FloatBuffer r = reference.data();
    double[] per = new double[n];
    double[] lp = new double[c];
    double[] lq = new double[c];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      logSoftmax(r, i * c, c, t, lp);
      logSoftmax(o, i * c, c, t, lq);
      double kl = 0;
      for (int j = 0; j < c; j++) {
        kl += Math.exp(lp[j]) * (lp[j] - lq[j]);
      }
      per[i] = Math.max(0, kl) * t * t;
      sum += per[i];
    }
    double mean = sum / n;
    double ss = 0;
    for (double v : per) {
      ss += (v - mean) * (v - mean);
    }
    return new DistanceStats(mean, n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0, n, per);
  }

  private static void logSoftmax(FloatBuffer b, int off, int c, double t, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < c; j++) {
      max = Math.max(max, b.get(off + j) / t);
    }
    double s = 0;
    for (int j = 0; j < c; j++) {
      s += Math.exp(b.get(off + j) / t - max);
    }
    double log = max + Math.log(s);
    for (int j = 0; j < c; j++) {
      out[j] = b.get(off + j) / t - log;
    }
  }

  @Override
  public String toString() {
    return divergence == Divergence.SQUARED ? "squared"
        : String.format(Locale.ROOT, "kl(T=%s)", temperature);
  }
}

package io.bocomp.engine;

import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a single-input, single-output model over many inputs in batches and gathers the first
 * output into one tensor [n, ...]. Checks up front that the inputs fit the model's declared input
 * shape (all dimensions but the batch), naming both shapes when they do not.
 */
public final class BatchRunner {
  private final Executable executable;
  private final int batchSize;
  private final String input;
  private final String output;

  public BatchRunner(Executable executable, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    Graph g = executable.graph();
    if (g.inputs().size() != 1) {
      throw new FeedException("the model has " + g.inputs().size()
          + " inputs; this command runs single-input models");
    }
    this.executable = executable;
    this.batchSize = batchSize;
    this.input = g.inputs().get(0).name();
    this.output = g.outputs().get(0).name();
  }

  /** Throws a {@link FeedException} unless inputs of this shape fit the model's input. */
  public void checkFits(int[] inputShape, String what) {
    ValueInfo in = executable.graph().inputs().get(0);
    int[] want = in.shape();
    if (want == null) {
      return;
    }
    boolean ok = want.length == inputShape.length;
    for (int i = 1; ok && i < want.length; i++) {
      ok = want[i] < 0 || want[i] == inputShape[i];
    }
    if (!ok) {
      throw new FeedException(what + " have shape " + shapeString(inputShape, true)
          + " but the model input '" + in.name() + "' expects " + shapeString(want, true));
    }
  }

  /** The model's first output for every row of {@code inputs}, as one tensor [n, ...]. */
  public Tensor run(Tensor inputs) {
    checkFits(inputs.shape(), "the inputs");
    int n = inputs.dim(0);
    int[] shape = inputs.shape();
    int per = n == 0 ? 0 : inputs.size() / n;
    FloatBuffer src = inputs.data();
    Tensor all = null;
    int outPer = 0;
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      shape[0] = b;
      Tensor batch = b == n ? inputs
          : Tensor.wrap(shape.clone(), src.duplicate().position(start * per).slice());
      Tensor out = executable.run(Map.of(input, batch), List.of(output)).get(output);
      if (all == null) {
        int[] os = out.shape();
        outPer = out.size() / b;
        os[0] = n;
        all = Tensor.zeros(os);
      }
      all.data().position(start * outPer).put(out.data());
    }
    return all == null ? Tensor.zeros(0) : all;
  }

  static String shapeString(int[] shape, boolean batchFree) {
    String[] parts = new String[shape.length];
    for (int i = 0; i < shape.length; i++) {
      parts[i] = (i == 0 && batchFree) || shape[i] < 0 ? "N" : Integer.toString(shape[i]);
    }
    return "[" + String.join(", ", parts) + "]";
  }

  /** Index of the largest value of each row of a [n, c] tensor. */
  public static int[] argmax(Tensor logits) {
    int n = logits.dim(0);
    int c = logits.size() / Math.max(1, n);
    FloatBuffer d = logits.data();
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      float bv = d.get(i * c);
      for (int j = 1; j < c; j++) {
        float v = d.get(i * c + j);
        if (v > bv) {
          bv = v;
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  /** Fraction of equal entries. */
  public static double agreement(int[] a, int[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " vs " + b.length + " predictions");
    }
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += a[i] == b[i] ? 1 : 0;
    }
    return a.length == 0 ? Double.NaN : same / (double) a.length;
  }

  @Override
  public String toString() {
    return "BatchRunner(" + input + " -> " + output + ", batch " + batchSize + ", "
        + Arrays.toString(executable.graph().inputs().get(0).shape()) + ")";
  }
}

package io.bocomp.cli;

import io.bocomp.BocompException;
import io.bocomp.data.BatchStream;
import io.bocomp.data.InputSource;
import io.bocomp.engine.Backend;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.Executable;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * One streamed pass of the inputs through a model and, optionally, a reference model: batch by
 * batch from {@link InputSource#batches} (image folders decode the next batches meanwhile), keeping
 * only each sample's top-1 class and its squared output distance, so a pass over 50,000 images
 * holds a few batches at a time. The distance statistics are {@link DistanceStats#compute}'s over
 * all samples, summed in the same order (so equal, bit for bit, to computing them on whole
 * tensors).
 */
final class ModelPass {
  /**
   * What the pass measured.
   *
   * @param predictions top-1 class of the model per sample
   * @param referencePredictions top-1 class of the reference per sample, or null
   * @param distance ||out - ref||^2 per sample, its mean and standard error, or null
   */
  record Result(int[] predictions, int[] referencePredictions, DistanceStats distance) {}

  private ModelPass() {}

  /**
   * @param what names the inputs in a shape error
   * @param progress told how many samples are done after each batch (may be null)
   * @throws BocompException when the inputs do not fit a model, or the outputs differ in shape
   */
  static Result run(Backend backend, Model model, Model reference, InputSource data, int batch,
      String what, IntConsumer progress) {
    int n = data.size();
    try (Executable exe = backend.compile(model);
        Executable ref = reference == null ? null : backend.compile(reference)) {
      BatchRunner runner = new BatchRunner(exe, batch);
      runner.checkFits(data.shape(n), what);
      BatchRunner refRunner = null;
      if (ref != null) {
        refRunner = new BatchRunner(ref, batch);
        refRunner.checkFits(data.shape(n), what);
      }
      int[] pred = new int[n];
      int[] refPred = ref == null ? null : new int[n];
      double[] perSample = ref == null ? null : new double[n];
      try (BatchStream s = data.batches(batch)) {
        for (BatchStream.Batch b = s.next(); b != null; b = s.next()) {
          Tensor out = runner.run(b.images());
          System.arraycopy(BatchRunner.argmax(out), 0, pred, b.from(), b.size());
          if (refRunner != null) {
            Tensor refOut = refRunner.run(b.images());
            if (!Arrays.equals(out.shape(), refOut.shape())) {
              throw new BocompException("model output shape " + shape(out) + " differs from the"
                  + " reference's " + shape(refOut));
            }
            System.arraycopy(BatchRunner.argmax(refOut), 0, refPred, b.from(), b.size());
            double[] d = DistanceStats.compute(out, refOut).perSample();
            System.arraycopy(d, 0, perSample, b.from(), b.size());
          }
          if (progress != null) {
            progress.accept(b.from() + b.size());
          }
        }
      }
      return new Result(pred, refPred, perSample == null ? null : stats(perSample));
    }
  }

  /** {@link DistanceStats#compute}'s statistics from the per-sample distances, in order. */
  static DistanceStats stats(double[] per) {
    int n = per.length;
    double sum = 0;
    for (double v : per) {
      sum += v;
    }
    double mean = sum / n;
    double ss = 0;
    for (double v : per) {
      ss += (v - mean) * (v - mean);
    }
    return new DistanceStats(mean, n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0.0, n, per);
  }

  private static String shape(Tensor t) {
    int[] s = t.shape();
    s[0] = -1;
    return Arrays.toString(s).replace("-1", "N");
  }
}

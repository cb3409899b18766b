package io.bocomp.data;

import io.bocomp.model.Tensor;

/**
 * Model inputs, one sample per row, with optional labels: either held in memory ({@link Dataset}:
 * IDX, .npy, the embedded sample) or decoded from files on demand ({@link ImageFolder}). Commands
 * that only stream through the inputs once (evaluation, top-1, output distances) read them with
 * {@link #batches}; those that need a few rows (the tuner's sample) use {@link #rows}; training,
 * which revisits every row each epoch, takes them all with {@link #load}.
 */
public interface InputSource {
  /** Number of samples. */
  int size();

  /** Shape of one sample, without the batch dimension (e.g. [1, 28, 28]). */
  int[] sampleShape();

  /** Shape of {@code n} samples: [n, sampleShape...]. */
  default int[] shape(int n) {
    int[] s = sampleShape();
    int[] out = new int[s.length + 1];
    out[0] = n;
    System.arraycopy(s, 0, out, 1, s.length);
    return out;
  }

  /** The class label of every sample, or null when there are none (callers must not modify it). */
  int[] labels();

  default boolean hasLabels() {
    return labels() != null;
  }

  /** Samples {@code indices}, in that order, as one tensor [indices.length, sampleShape...]. */
  Tensor rows(int[] indices);

  /** Samples {@code from} (inclusive) to {@code to} (exclusive) as one tensor. */
  default Tensor batch(int from, int to) {
    int[] idx = new int[to - from];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = from + i;
    }
    return rows(idx);
  }

  /**
   * Every sample in order, in batches of at most {@code batchSize}; sources that decode files
   * prepare the next batches while the caller works on the current one (a bounded number ahead).
   * Close the stream when done, also when stopping early.
   */
  default BatchStream batches(int batchSize) {
    return BatchStream.sequential(this, batchSize);
  }

  /** Every sample in memory (the same object for in-memory sources). */
  default Dataset load() {
    return new Dataset(batch(0, size()), labels());
  }
}

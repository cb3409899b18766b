package io.bocomp.data;

import io.bocomp.model.Tensor;

/**
 * The samples of an {@link InputSource} in order, one batch at a time ({@link InputSource#batches}).
 * Not thread-safe; close it when done (it may hold decoding work in flight).
 */
public interface BatchStream extends AutoCloseable {
  /** A batch: samples {@code from} to {@code from + images.dim(0)} of the source. */
  record Batch(int from, Tensor images) {
    public int size() {
      return images.dim(0);
    }
  }

  /** The next batch, or null after the last one. */
  Batch next();

  @Override
  void close();

  /** Batches cut from {@link InputSource#batch} one after the other, with no work ahead. */
  static BatchStream sequential(InputSource source, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize);
    }
    return new BatchStream() {
      private int next;

      @Override
      public Batch next() {
        if (next >= source.size()) {
          return null;
        }
        int from = next;
        next = Math.min(source.size(), from + batchSize);
        return new Batch(from, source.batch(from, next));
      }

      @Override
      public void close() {
        next = source.size();
      }
    };
  }
}

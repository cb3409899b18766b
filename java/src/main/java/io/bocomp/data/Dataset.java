package io.bocomp.data;

import io.bocomp.model.Tensor;
import java.util.Arrays;

/**
 * Inputs held in memory: a float32 tensor [n, ...] (images: [n, c, h, w]) with optional labels
 * (null when none). Immutable by convention: slicing copies, except {@link #batch}, whose tensors
 * share this one's memory (read-only by convention too).
 */
public record Dataset(Tensor images, int[] labels) implements InputSource {
  public Dataset {
    if (labels != null && labels.length != images.dim(0)) {
      throw new DataFormatException("labels count " + labels.length + " differs from images count "
          + images.dim(0));
    }
  }

  @Override
  public int size() {
    return images.dim(0);
  }

  @Override
  public int[] sampleShape() {
    return Arrays.copyOfRange(images.shape(), 1, images.rank());
  }

  @Override
  public boolean hasLabels() {
    return labels != null;
  }

  @Override
  public Tensor rows(int[] indices) {
    return select(indices).images();
  }

  /** Rows {@code from} to {@code to}, sharing this tensor's memory. */
  @Override
  public Tensor batch(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException("rows " + from + ".." + to + " of " + size());
    }
    if (from == 0 && to == size()) {
      return images;
    }
    int per = images.size() / Math.max(1, size());
    return Tensor.wrap(shape(to - from), images.data().duplicate().position(from * per)
        .limit(to * per).slice());
  }

  @Override
  public Dataset load() {
    return this;
  }

  /** Rows {@code indices} (in that order) as a new dataset. */
  public Dataset select(int[] indices) {
    int[] shape = images.shape();
    int per = images.size() / Math.max(1, shape[0]);
    shape[0] = indices.length;
    Tensor out = Tensor.zeros(shape);
    var src = images.data();
    var dst = out.data();
    float[] row = new float[per];
    for (int i = 0; i < indices.length; i++) {
      src.get(indices[i] * per, row);
      dst.put(i * per, row);
    }
    int[] lab = null;
    if (labels != null) {
      lab = new int[indices.length];
      for (int i = 0; i < indices.length; i++) {
        lab[i] = labels[indices[i]];
      }
    }
    return new Dataset(out, lab);
  }

  /** The first {@code n} rows (all if n <= 0 or n >= size). */
  public Dataset head(int n) {
    if (n <= 0 || n >= size()) {
      return this;
    }
    int[] idx = new int[n];
    Arrays.setAll(idx, i -> i);
    return select(idx);
  }
}

package io.bocomp.data;

import io.bocomp.model.Tensor;
import java.util.Arrays;

/**
 * Images as a float32 tensor [n, c, h, w] with optional labels (null when none). Immutable by
 * convention: slicing copies.
 */
public record Dataset(Tensor images, int[] labels) {
  public Dataset {
    if (labels != null && labels.length != images.dim(0)) {
      throw new DataFormatException("labels count " + labels.length + " differs from images count "
          + images.dim(0));
    }
  }

  public int size() {
    return images.dim(0);
  }

  public boolean hasLabels() {
    return labels != null;
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

package io.bocomp.cli;

import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.data.Idx;
import io.bocomp.model.Tensor;
import java.nio.file.Path;

/** Loads the images (and labels) a command names, or the embedded 2,000-image sample when it names none. */
final class DataSource {
  private DataSource() {}

  /**
   * @param images IDX images, or null for the embedded sample
   * @param labels IDX labels, or null (the embedded sample has its labels)
   * @param limit the first {@code limit} images only (0: all)
   * @throws BocompException for labels without images or counts that differ
   */
  static Dataset load(Path images, Path labels, int limit) {
    if (images == null) {
      if (labels != null) {
        throw new BocompException("--labels needs --images");
      }
      return ModelLoader.defaultSample().head(limit);
    }
    Tensor x = Idx.readImages(images, limit);
    int[] y = labels == null ? null : Idx.readLabels(labels, limit);
    if (y != null && y.length != x.dim(0)) {
      throw new BocompException(labels + " has " + y.length + " labels but " + images + " has "
          + x.dim(0) + " images");
    }
    return new Dataset(x, y);
  }
}

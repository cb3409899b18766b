package io.bocomp.cli;

import io.bocomp.BocompException;
import io.bocomp.data.Preprocessing;
import io.bocomp.model.Model;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --images} and {@code --labels}, the picocli mixin of the commands that read a model's
 * inputs ({@code eval} and {@code finetune}; {@code tune} and {@code compare} through
 * {@link ModelInputs}): an image folder, IDX images or a float32 .npy tensor, and their labels;
 * neither given, the embedded 2,000-image sample and its labels. The options say what the files
 * may be; each command's description says what it does with them (scores, samples, trains on).
 *
 * <p>Limits: opening is {@link DataSource}'s, with the command's preprocessing and image limit.
 */
final class ImageOptions {
  @Option(names = "--images", paramLabel = "DIR|IDX|NPY",
      description = "A folder of images (PNG, JPEG, BMP, GIF, TIFF, WebP; class sub-folders give"
          + " labels), IDX images (gzip ok; pixels scaled to [0,1]) or a float32 .npy tensor"
          + " (default: the embedded 2,000-image Fashion-MNIST sample).")
  Path path;

  @Option(names = "--labels", paramLabel = "FILE",
      description = "Labels: IDX, or text with one integer per line (image folders: in file-name"
          + " order).")
  Path labels;

  /** @throws BocompException when --labels is given without --images */
  void check() {
    if (labels != null && path == null) {
      throw new BocompException("--labels needs --images");
    }
  }

  /**
   * The inputs, fitted to {@code model}'s input with {@code prep}.
   *
   * @param limit the first {@code limit} samples only (0: all)
   */
  DataSource.Loaded load(int limit, Preprocessing prep, Model model) {
    return DataSource.load(path, labels, limit, prep, model);
  }
}

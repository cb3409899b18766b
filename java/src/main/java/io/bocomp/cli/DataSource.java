package io.bocomp.cli;

import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import io.bocomp.data.ImageTransform;
import io.bocomp.data.InputFiles;
import io.bocomp.data.InputSource;
import io.bocomp.data.Preprocessing;
import io.bocomp.model.Model;
import java.nio.file.Path;

/**
 * Opens the inputs (and labels) a command names ({@link InputFiles}: an image folder, IDX or
 * .npy), fitted to the model's input, or the embedded 2,000-image sample when it names none.
 */
final class DataSource {
  private DataSource() {}

  /**
   * The opened inputs.
   *
   * @param data the samples
   * @param name how messages and outputs name them
   * @param preprocessing how images became inputs, or null (a .npy tensor as stored)
   */
  record Loaded(InputSource data, String name, ImageTransform preprocessing) {}

  /**
   * @param images a folder, IDX or .npy file, or null for the embedded sample
   * @param labels a label file (IDX or text), or null (the embedded sample has its labels; an
   *     image folder may have class sub-folders)
   * @param limit the first {@code limit} samples only (0: all)
   * @param options the preprocessing asked for
   * @param model the model the inputs are for (its input shape sets the defaults)
   * @throws BocompException for labels without images, options without images, bad files
   */
  static Loaded load(Path images, Path labels, int limit, Preprocessing options, Model model) {
    return load(images, labels, limit, options, model, "--images", "--labels");
  }

  /** As {@link #load(Path, Path, int, Preprocessing, Model)}, naming the options in messages. */
  static Loaded load(Path images, Path labels, int limit, Preprocessing options, Model model,
      String imagesOption, String labelsOption) {
    if (images == null) {
      if (labels != null) {
        throw new BocompException(labelsOption + " needs " + imagesOption);
      }
      if (!options.isEmpty()) {
        throw new BocompException(options.optionNames() + " need " + imagesOption + " (the"
            + " embedded sample is used as stored)");
      }
      InputSource sample = ModelLoader.defaultSample().head(limit);
      int[] s = sample.sampleShape();
      return new Loaded(sample, "embedded sample", ImageTransform.idx(s[1], s[2]));
    }
    InputFiles.Opened o = InputFiles.open(images, labels, limit, options,
        InputFiles.modelInput(model));
    return new Loaded(o.source(), images.toString(), o.preprocessing());
  }
}

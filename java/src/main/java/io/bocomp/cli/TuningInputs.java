package io.bocomp.cli;

import io.bocomp.BocompException;
import io.bocomp.data.InputSource;
import io.bocomp.data.Preprocessing;
import io.bocomp.model.Model;
import io.bocomp.tune.Tuner;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The model and inputs of the commands that tune ({@code tune}, {@code compare}), a picocli mixin:
 * the MODEL argument (default: the embedded model), {@code --images} (default: the embedded
 * sample) and {@code --labels}; {@link #check} refuses labels without images before anything is
 * loaded, and {@link #inputs} opens the inputs for a loaded model as the tuner's
 * {@link Tuner.Inputs}.
 *
 * <p>Limits: loading the model is the command's (each decides whether quantized models are
 * refused); the preprocessing options are the separate {@link PreprocessOptions} mixin.
 */
final class TuningInputs {
  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
      description = "ONNX model (default: the embedded fashion-cnn.onnx).")
  Path model;

  @Option(names = "--images", paramLabel = "DIR|IDX|NPY",
      description = "Inputs to sample from: a folder of images (about 100 unlabeled ones suffice"
          + " for tuning), IDX images (gzip ok) or a float32 .npy tensor (default: the embedded"
          + " sample); compare also draws its held-out inputs from them.")
  Path images;

  @Option(names = "--labels", paramLabel = "FILE",
      description = "Labels (IDX, or text with one integer per line; class sub-folders give them"
          + " too) for top-1 of the original and compressed models (compare: on the held-out"
          + " inputs); none needed for tuning.")
  Path labels;

  /** @throws BocompException when --labels is given without --images */
  void check() {
    if (labels != null && images == null) {
      throw new BocompException("--labels needs --images");
    }
  }

  /**
   * The tuner's inputs: {@code m} (loaded from MODEL by the command) and the images, opened for it
   * with {@code prep}.
   *
   * @param cacheDir the factor cache directory, or null for its default
   */
  Tuner.Inputs inputs(Model m, Preprocessing prep, Path cacheDir) {
    DataSource.Loaded loaded = DataSource.load(images, labels, 0, prep, m);
    InputSource data = loaded.data();
    return new Tuner.Inputs(m, ModelSource.name(model), model, data,
        images == null ? "embedded sample (" + data.size() + " images)" : images.toString(),
        loaded.preprocessing(), cacheDir);
  }
}

package io.bocomp.cli;

import io.bocomp.BocompException;
import io.bocomp.data.InputSource;
import io.bocomp.data.Preprocessing;
import io.bocomp.model.Model;
import io.bocomp.tune.Tuner;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A model and its inputs, the picocli mixin of {@code eval}, {@code tune} and {@code compare}: the
 * MODEL argument (default: the embedded model) and {@link ImageOptions} ({@code --images},
 * default: the embedded sample, and {@code --labels}); {@link #check} refuses labels without
 * images before anything is loaded, and {@link #inputs} opens the inputs for a loaded model as the
 * tuner's {@link Tuner.Inputs}.
 *
 * <p>Limits: loading the model is the command's (each decides whether quantized models are
 * refused); the preprocessing options are the separate {@link PreprocessOptions} mixin.
 */
final class ModelInputs {
  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
      description = "ONNX model (default: the embedded fashion-cnn.onnx).")
  Path model;

  @Mixin ImageOptions images;

  /** @throws BocompException when --labels is given without --images */
  void check() {
    images.check();
  }

  /**
   * The tuner's inputs: {@code m} (loaded from MODEL by the command) and the images, opened for it
   * with {@code prep}.
   *
   * @param cacheDir the factor cache directory, or null for its default
   */
  Tuner.Inputs inputs(Model m, Preprocessing prep, Path cacheDir) {
    DataSource.Loaded loaded = images.load(0, prep, m);
    InputSource samples = loaded.data();
    return new Tuner.Inputs(m, ModelSource.name(model), model, samples,
        images.path == null ? "embedded sample (" + samples.size() + " images)"
            : images.path.toString(), loaded.preprocessing(), cacheDir);
  }
}

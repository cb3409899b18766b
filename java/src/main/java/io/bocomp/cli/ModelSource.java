package io.bocomp.cli;

import io.bocomp.ModelLoader;
import io.bocomp.model.Model;
import java.nio.file.Path;
import java.util.logging.Logger;

/** Loads the model a command names, or the embedded default when it names none; logs import warnings. */
final class ModelSource {
  private static final Logger LOG = Logger.getLogger("io.bocomp.cli");

  private ModelSource() {}

  /** Display name of a model argument (null means the embedded default). */
  static String name(Path model) {
    return model == null ? ModelLoader.DEFAULT_MODEL_NAME + " (embedded)" : model.toString();
  }

  static Model load(Path model) {
    Model m = model == null ? ModelLoader.loadDefault() : ModelLoader.load(model);
    for (String w : m.warnings()) {
      LOG.warning(name(model) + ": " + w);
    }
    return m;
  }
}

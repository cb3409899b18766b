package io.bocomp.cli;

import io.bocomp.ModelLoader;
import io.bocomp.BocompException;
import io.bocomp.model.ElemType;
import io.bocomp.model.Model;
import io.bocomp.model.QuantizedTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /**
   * Loads a model to compress: one whose file stores weights quantized is refused, naming them
   * and their bits (compressing dequantized weights again would quantize twice, and the plan's
   * costs would not be the file's).
   *
   * @throws BocompException (exit 2) for a model with quantized weights
   */
  static Model loadFloat(Path model, String command) {
    Model m = load(model);
    Map<String, QuantizedTensor> q = m.quantizedWeights();
    if (!q.isEmpty()) {
      List<String> some = new ArrayList<>();
      for (Map.Entry<String, QuantizedTensor> e : q.entrySet()) {
        if (some.size() == 3) {
          some.add("...");
          break;
        }
        QuantizedTensor t = e.getValue();
        some.add("'" + e.getKey() + "' " + t.bits() + "-bit ("
            + ElemType.name(t.codes().elemType()) + ")");
      }
      throw new BocompException(name(model) + ": the model already holds quantized weights ("
          + q.size() + ": " + String.join(", ", some) + "); " + command + " compresses float"
          + " models: give it the float original (bocomp inspect shows the bits)");
    }
    return m;
  }

  static Model load(Path model) {
    Model m = model == null ? ModelLoader.loadDefault() : ModelLoader.load(model);
    for (String w : m.warnings()) {
      LOG.warning(name(model) + ": " + w);
    }
    return m;
  }
}

package io.bocomp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.AtomicFiles;
import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.model.Model;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.train.Distillation;
import io.bocomp.train.FineTuner;
import io.bocomp.tune.Tuner;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * {@code tune --finetune-epochs}: distills a compressed model from the run toward the original
 * (between stages of a staged run, as a built-in hook, and on the final {@code compressed.onnx}),
 * writing the fine-tuned model and, for the final one, {@code finetune.json} next to it.
 */
final class FineTuning implements Tuner.BetweenStages {
  private final Model original;
  private final Dataset data;
  private final String dataName;
  private final Distillation.Settings settings;
  private final PrintStream log;

  FineTuning(Model original, Dataset data, String dataName, Distillation.Settings settings,
      PrintStream log) {
    this.original = original;
    this.data = data;
    this.dataName = dataName;
    this.settings = settings;
    this.log = log;
  }

  @Override
  public String describe() {
    return "built-in finetune: " + settings.epochs() + " epoch(s) on " + dataName + ", "
        + settings.describe();
  }

  @Override
  public void fineTune(Path model, Path output, BooleanSupplier stop) {
    ObjectNode s = train(model, output, stop);
    String status = s.path("status").asText();
    if (!status.equals("completed")) {
      throw new BocompException("fine-tuning " + model.getFileName() + " between stages "
          + status + ": " + s.path("message").asText());
    }
  }

  /**
   * Fine-tunes the run's final model into {@code output}, writes {@code finetune.json} beside it
   * and returns its contents; a stop request ends it early (status "stopped", the weights so far
   * written).
   */
  ObjectNode run(Path model, Path output, BooleanSupplier stop) {
    ObjectNode s = train(model, output, stop);
    if (s.path("status").asText().equals("diverged")) {
      throw new BocompException(s.path("message").asText() + "; wrote them to " + output);
    }
    byte[] bytes = (s.toPrettyString() + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(output.resolveSibling("finetune.json"), o -> o.write(bytes));
    return s;
  }

  private ObjectNode train(Path model, Path output, BooleanSupplier stop) {
    if (log != null) {
      log.println("bocomp: fine-tuning " + model.getFileName() + " (" + describe() + ") ...");
    }
    Model student = ModelLoader.load(model);
    long t0 = System.nanoTime();
    ObjectNode s = JsonOutput.object();
    s.put("model", model.getFileName().toString());
    s.put("output", output.getFileName().toString());
    s.put("images", dataName);
    s.put("n", data.size());
    s.put("settings", settings.describe());
    if (data.hasLabels()) {
      s.put("top1_before", FinetuneCommand.top1(student, data));
    }
    ArrayNode epochs = s.putArray("epochs");
    Distillation.Outcome o = Distillation.run(student, model.toString(), original, "the original",
        data, settings, new FineTuner.Listener() {
          @Override
          public void epochFinished(FineTuner.Epoch e) {
            FinetuneCommand.epochRow(epochs, e);
            if (log != null) {
              log.printf(Locale.ROOT, "bocomp: fine-tune epoch %d/%d: loss %.5f, %.1f s, %.1f"
                  + " images/s%n", e.epoch(), settings.epochs(), e.meanLoss(), e.seconds(),
                  e.imagesPerSecond());
            }
          }
        }, stop);
    OnnxExporter.write(o.model(), output);
    s.put("status", o.result().status().name().toLowerCase(Locale.ROOT));
    s.put("message", o.result().message());
    s.put("steps", o.result().steps());
    s.put("seconds", (System.nanoTime() - t0) / 1e9);
    if (data.hasLabels()) {
      s.put("top1_after", FinetuneCommand.top1(o.model(), data));
    }
    return s;
  }
}

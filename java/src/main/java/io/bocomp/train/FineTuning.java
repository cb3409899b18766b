package io.bocomp.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.AtomicFiles;
import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import io.bocomp.data.BatchStream;
import io.bocomp.data.Dataset;
import io.bocomp.data.InputSource;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Model;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.tune.Tuner;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The tuner's fine-tuning ({@code tune --finetune-epochs}): distills a compressed model from the
 * run toward the original with {@link Distillation} (between stages of a staged run, as a built-in
 * {@link Tuner.BetweenStages} hook, and on the final {@code compressed.onnx}), writing the
 * fine-tuned model and, for the final one, {@code finetune.json} next to it: settings, per-epoch
 * loss and speed, status, and top-1 before and after when the data has labels. Limits: runs on the
 * CPU; the whole fine-tuning set is held in memory ({@link Dataset}).
 *
 * @param original the teacher
 * @param data the images (and labels, if any) to fine-tune on
 * @param dataName how to name them in logs and finetune.json
 * @param settings validated settings
 * @param log where progress lines go, or null for none
 */
public record FineTuning(Model original, Dataset data, String dataName,
    Distillation.Settings settings, PrintStream log) implements Tuner.BetweenStages {
  /** Images per forward pass of {@link #top1}. */
  private static final int TOP1_BATCH = 250;

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
  public ObjectNode run(Path model, Path output, BooleanSupplier stop) {
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
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("model", model.getFileName().toString());
    s.put("output", output.getFileName().toString());
    s.put("images", dataName);
    s.put("n", data.size());
    s.put("settings", settings.describe());
    if (data.hasLabels()) {
      s.put("top1_before", top1(student, data));
    }
    ArrayNode epochs = s.putArray("epochs");
    Distillation.Outcome o = Distillation.run(student, model.toString(), original, "the original",
        data, settings, new FineTuner.Listener() {
          @Override
          public void epochFinished(FineTuner.Epoch e) {
            epochRow(epochs, e);
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
      s.put("top1_after", top1(o.model(), data));
    }
    return s;
  }

  /** Appends epoch {@code e} (number, mean loss, seconds, images/s) to {@code rows}. */
  public static ObjectNode epochRow(ArrayNode rows, FineTuner.Epoch e) {
    return rows.addObject().put("epoch", e.epoch()).put("loss", e.meanLoss())
        .put("seconds", e.seconds()).put("images_per_second", e.imagesPerSecond());
  }

  /**
   * Top-1 of {@code m} on labeled inputs (agreement of the arg-max with the labels), streamed
   * through the CPU engine in batches of 250.
   */
  public static double top1(Model m, InputSource d) {
    try (CpuBackend b = new CpuBackend(); Executable e = b.compile(m)) {
      BatchRunner runner = new BatchRunner(e, TOP1_BATCH);
      runner.checkFits(d.shape(d.size()), "the images");
      int[] pred = new int[d.size()];
      try (BatchStream s = d.batches(TOP1_BATCH)) {
        for (BatchStream.Batch x = s.next(); x != null; x = s.next()) {
          System.arraycopy(BatchRunner.argmax(runner.run(x.images())), 0, pred, x.from(),
              x.size());
        }
      }
      return BatchRunner.agreement(pred, d.labels());
    }
  }
}

package io.bocomp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.BocompException;
import io.bocomp.data.Dataset;
import io.bocomp.data.InputSource;
import io.bocomp.data.Preprocessing;
import io.bocomp.model.Model;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.train.Distillation;
import io.bocomp.train.FineTuning;
import io.bocomp.train.FineTuner;
import io.bocomp.train.Loss;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bocomp finetune COMPRESSED.onnx --reference ORIGINAL.onnx --images DIR|IDX|NPY
 * [--labels FILE]
 * --epochs E --out OUT.onnx}: recovery fine-tuning by knowledge distillation
 * ({@link Distillation}). OUT is written atomically after every epoch (the last good checkpoint);
 * Ctrl-C stops after the current step and writes the weights so far (exit 130); a loss that turns
 * NaN restores the last finite-loss weights, writes them and exits 2 saying so.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    resourceBundle = "io.bocomp.cli.FinetuneCommand",
    defaultValueProvider = DistillationDefaults.Finetune.class)
public final class FinetuneCommand implements Callable<Integer> {
  static final int EXIT_INTERRUPTED = 130;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "COMPRESSED.onnx",
      description = "The model to fine-tune (e.g. a tuner's compressed.onnx).")
  Path model;

  @Option(names = "--reference", paramLabel = "ORIGINAL.onnx") Path reference;

  @Mixin ImageOptions images;

  @Mixin PreprocessOptions preprocess;

  @Mixin LimitOption limit;

  @Option(names = "--epochs", paramLabel = "E", defaultValue = "1") int epochs;

  @Option(names = "--lr", paramLabel = "RATE") float lr;

  @Option(names = "--batch", paramLabel = "N") int batch;

  @Option(names = "--optimizer", paramLabel = "sgd|adam") String optimizer;

  @Option(names = "--momentum", paramLabel = "M") float momentum;

  @Option(names = "--weight-decay", paramLabel = "L2") float weightDecay;

  @Option(names = "--schedule", paramLabel = "cosine|step|constant") String schedule;

  @Option(names = "--step-every", paramLabel = "E") int stepEvery;

  @Option(names = "--step-gamma", paramLabel = "G") float stepGamma;

  @Option(names = "--loss", paramLabel = "kd|mse") String loss;

  @Option(names = "--temperature", paramLabel = "T") float temperature;

  @Option(names = "--alpha", paramLabel = "A") float alpha;

  @Option(names = "--clip-norm", paramLabel = "N") double clipNorm;

  @Option(names = "--seed", paramLabel = "S") long seed;

  @Option(names = "--threads", paramLabel = "N") Integer threads;

  @Option(names = "--eval-images", paramLabel = "DIR|IDX|NPY") Path evalImages;

  @Option(names = "--eval-labels", paramLabel = "FILE") Path evalLabels;

  @Option(names = {"-o", "--out"}, paramLabel = "OUT.onnx") Path out;

  @Mixin JsonOption json;

  @Option(names = {"-q", "--quiet"}) boolean quiet;

  @Override
  public Integer call() {
    Distillation.Settings settings = settings().validate();
    limit.check();
    if (evalImages == null && evalLabels != null) {
      throw new BocompException("--eval-labels needs --eval-images");
    }
    if (!Files.isRegularFile(model)) {
      throw new BocompException(model + ": no such file");
    }
    Path target = out != null ? out : defaultOut(model);
    if (target.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
      throw new BocompException("--out " + target + " would overwrite the model being fine-tuned");
    }
    Model student = ModelSource.load(model);
    Model teacher = ModelSource.load(reference);
    Preprocessing prep = preprocess.resolve(null);
    DataSource.Loaded train = images.load(limit.n, prep, student);
    InputSource eval = null;
    if (evalImages != null) {
      eval = DataSource.load(evalImages, evalLabels, 0, prep, student, "--eval-images",
          "--eval-labels").data();
      if (!eval.hasLabels()) {
        throw new BocompException("--eval-images " + evalImages + " has no labels (give class"
            + " sub-folders or --eval-labels): held-out top-1 needs them");
      }
    }
    Dataset data = train.data().load();
    PrintStream err = System.err;
    PrintWriter stdout = spec.commandLine().getOut();
    ObjectNode report = JsonOutput.object();
    report.put("model", model.toString());
    report.put("reference", ModelSource.name(reference));
    report.put("images", train.name());
    report.put("n", data.size());
    if (train.preprocessing() != null) {
      report.set("preprocess", train.preprocessing().toJson());
    }
    report.put("labels", data.hasLabels());
    report.put("settings", settings.describe());
    if (eval != null) {
      report.put("top1_before", FineTuning.top1(student, eval));
      report.put("reference_top1", FineTuning.top1(teacher, eval));
    }
    ArrayNode epochRows = report.putArray("epochs");
    AtomicBoolean stop = new AtomicBoolean();
    Progress progress = new Progress(err, !quiet && !json.on && System.console() != null,
        !quiet && !json.on, target, eval, epochRows);
    try (StopOnInterrupt hook = new StopOnInterrupt("bocomp-finetune-stop", () -> stop.set(true))) {
      Distillation.Outcome o;
      try {
        o = Distillation.run(student, model.toString(), teacher, ModelSource.name(reference), data,
            settings, progress, stop::get);
      } finally {
        progress.close();
      }
      OnnxExporter.write(o.model(), target);
      FineTuner.Result r = o.result();
      report.put("parameters", o.parameters());
      report.put("frozen_zeros", o.frozenZeros());
      report.put("teacher_seconds", o.teacherSeconds());
      report.put("steps", r.steps());
      report.put("status", r.status().name().toLowerCase(Locale.ROOT));
      report.put("message", r.message());
      report.put("out", target.toString());
      if (r.status() == FineTuner.Status.DIVERGED) {
        throw new BocompException(r.message() + "; wrote them to " + target);
      }
      if (json.on) {
        JsonOutput.print(stdout, report);
      } else {
        stdout.printf("bocomp: %s; wrote %s%n", r.message(), target);
        if (report.has("top1_before")) {
          stdout.printf("top-1 on %s: %.2f%% before, %s after (reference %.2f%%)%n", evalImages,
              100 * report.get("top1_before").asDouble(), epochRows.isEmpty() ? "-"
                  : String.format(Locale.ROOT, "%.2f%%",
                      100 * epochRows.get(epochRows.size() - 1).get("top1").asDouble()),
              100 * report.get("reference_top1").asDouble());
        }
      }
      stdout.flush();
      return r.status() == FineTuner.Status.STOPPED ? EXIT_INTERRUPTED : 0;
    }
  }

  Distillation.Settings settings() {
    Loss.Kind kind = switch (loss.toLowerCase(Locale.ROOT)) {
      case "kd" -> Loss.Kind.KD;
      case "mse" -> Loss.Kind.MSE;
      default -> throw new BocompException("--loss must be kd or mse, got '" + loss + "'");
    };
    return new Distillation.Settings(epochs, batch, lr, optimizer.toLowerCase(Locale.ROOT),
        momentum, weightDecay, schedule.toLowerCase(Locale.ROOT), stepEvery, stepGamma, kind,
        temperature, alpha, seed,
        threads != null ? threads : Distillation.Settings.defaults(1).threads(), clipNorm);
  }

  static Path defaultOut(Path model) {
    String name = model.getFileName().toString();
    String stem = name.toLowerCase(Locale.ROOT).endsWith(".onnx")
        ? name.substring(0, name.length() - 5) : name;
    return model.resolveSibling(stem + "-finetuned.onnx");
  }

  /** Progress bar, per-epoch lines, per-epoch checkpoint and held-out top-1. */
  private static final class Progress implements FineTuner.Listener {
    private final PrintStream err;
    private final boolean bar;
    private final boolean lines;
    private final Path target;
    private final InputSource eval;
    private final ArrayNode rows;
    private ProgressBar pb;
    private int epochs;
    private int stepsPerEpoch;

    Progress(PrintStream err, boolean bar, boolean lines, Path target, InputSource eval,
        ArrayNode rows) {
      this.err = err;
      this.bar = bar;
      this.lines = lines;
      this.target = target;
      this.eval = eval;
      this.rows = rows;
    }

    @Override
    public void started(int epochs, int stepsPerEpoch) {
      this.epochs = epochs;
      this.stepsPerEpoch = stepsPerEpoch;
    }

    @Override
    public void step(int epoch, int step, double batchLoss, double imagesPerSecond) {
      if (!bar) {
        return;
      }
      if (pb == null) {
        pb = new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1) + "/" + epochs)
            .setInitialMax(stepsPerEpoch).setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(250).build();
      }
      pb.setExtraMessage(String.format(Locale.ROOT, "loss %.4f | %.0f img/s", batchLoss,
          imagesPerSecond));
      pb.stepTo(step + 1);
    }

    @Override
    public void epochFinished(FineTuner.Epoch e) {
      close();
    }

    @Override
    public boolean wantsCheckpoints() {
      return true;
    }

    @Override
    public void checkpoint(FineTuner.Epoch e, Model current) {
      OnnxExporter.write(current, target);
      ObjectNode row = FineTuning.epochRow(rows, e);
      if (eval != null) {
        row.put("top1", FineTuning.top1(current, eval));
      }
      if (lines) {
        err.printf(Locale.ROOT, "bocomp: epoch %d/%d: loss %.5f, %.1f s, %.1f images/s%s; wrote %s%n",
            e.epoch(), epochs, e.meanLoss(), e.seconds(), e.imagesPerSecond(),
            row.has("top1") ? String.format(Locale.ROOT, ", top-1 %.2f%%",
                100 * row.get("top1").asDouble()) : "", target);
      }
    }

    void close() {
      if (pb != null) {
        pb.close();
        pb = null;
      }
    }
  }
}

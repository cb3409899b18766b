package io.bocomp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bocomp.BocompException;
import io.bocomp.cluster.ClusterSettings;
import io.bocomp.cluster.ClusterTrialExecutor;
import io.bocomp.data.Dataset;
import io.bocomp.data.InputSource;
import io.bocomp.data.Preprocessing;
import io.bocomp.model.Model;
import io.bocomp.train.Distillation;
import io.bocomp.train.FineTuning;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.tune.Budget;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.DistanceObjective;
import io.bocomp.tune.MethodChoice;
import io.bocomp.tune.Parametrization;
import io.bocomp.tune.RunConfig;
import io.bocomp.tune.TuneListener;
import io.bocomp.tune.TuneResult;
import io.bocomp.tune.Tuner;
import io.bocomp.tune.parallel.LocalTrialExecutor;
import io.bocomp.tune.parallel.TrialExecutor;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bocomp tune}: chooses per-layer compression under a budget with Bayesian optimization
 * (io.bocomp.tune) and writes compressed.onnx, result.json, report.html and journal.jsonl into
 * --out. Settings come from the defaults, then --config RUN.json, then the options given.
 * Ctrl-C stops after the current trial and writes a partial result and report; --resume DIR
 * continues a stopped or killed run.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
    resourceBundle = "io.bocomp.cli.TuneCommand",
    defaultValueProvider = DistillationDefaults.Tune.class)
public final class TuneCommand implements Callable<Integer> {
  /**
   * Trials on the embedded default model when none are asked for: under a minute on 2 cores
   * (400 trials: 23.4 s of tuning on the quiet 2-core machine, 42.8 s while other jobs ran; BO
   * time per trial grows with the trials, from ~7 ms on average over 100 to ~60 ms over 400).
   */
  static final int EMBEDDED_MODEL_TRIALS = 400;

  /** Exit status after Ctrl-C (128 + SIGINT), as shells expect. */
  static final int EXIT_INTERRUPTED = 130;

  @Spec CommandSpec spec;

  @Mixin ModelInputs inputs;

  @Mixin PreprocessOptions preprocess;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  BudgetOption budget;

  /** The one budget option: an analytic one, or a measured latency. */
  static final class BudgetOption extends BudgetOptions {
    @Option(names = "--max-latency-ms", paramLabel = "X") Double latency;

    @Override
    Budget toBudget() {
      return latency != null ? new Budget(CostMetric.LATENCY_MS, latency) : super.toBudget();
    }
  }

  @Option(names = "--method", paramLabel = "svd|tucker|prune|auto|quantize") String method;

  @Option(names = "--bits", paramLabel = "B[,B...]", split = ",") List<Integer> bits;

  @Option(names = "--quant-group", paramLabel = "G") Integer quantGroup;

  @Mixin ParameterOption parameter;

  @Option(names = "--trials", paramLabel = "N") Integer trials;

  @Option(names = "--samples", paramLabel = "N") Integer samples;

  @Option(names = "--seed", paramLabel = "S") Long seed;

  @Option(names = "--mode", paramLabel = "lagrangian|constrained") String mode;

  @Option(names = "--cooling", paramLabel = "exp|linear|none") String cooling;

  @Option(names = "--distance", paramLabel = "squared|kl") String distance;

  @Option(names = "--temperature", paramLabel = "T") Double temperature;

  @Option(names = "--exclude", paramLabel = "GLOB") List<String> exclude;

  @Option(names = "--freeze", paramLabel = "GLOB=F") List<String> freeze;

  @Option(names = "--group", paramLabel = "GLOB[,GLOB...]") List<String> group;

  @Option(names = "--config", paramLabel = "RUN.json") Path config;

  @Mixin BackendOption backend;

  @Mixin CacheDirOption cacheDir;

  @Option(names = "--out", paramLabel = "DIR") Path out;

  @Option(names = "--resume", paramLabel = "DIR") Path resume;

  @Mixin JsonOption json;

  @Mixin QuietOption quiet;

  @Option(names = "--workers", paramLabel = "N") Integer workers;

  @Option(names = "--parallel", paramLabel = "Q") Integer parallel;

  @Option(names = "--cluster", paramLabel = "HOST[:PORT]") String cluster;

  @Mixin ClusterOptions clusterOptions;

  @Option(names = "--finetune-epochs", paramLabel = "E", defaultValue = "0") int finetuneEpochs;

  @Option(names = "--finetune-images", paramLabel = "DIR|IDX|NPY") Path finetuneImages;

  @Option(names = "--finetune-labels", paramLabel = "FILE") Path finetuneLabels;

  @Option(names = "--finetune-lr", paramLabel = "RATE") float finetuneLr;

  @Override
  public Integer call() {
    RunConfig cfg = config();
    inputs.check();
    if (resume != null && out != null && !resume.equals(out)) {
      throw new BocompException("--out " + out + " and --resume " + resume + " differ; --resume"
          + " continues the run in its own directory");
    }
    Path dir = resume != null ? resume : out != null ? out
        : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    // checked (token, addresses) before the model is loaded; joined once the tuner is ready
    ClusterSettings clusterSettings = cluster == null ? null
        : clusterOptions.settings(List.of(cluster));
    Model m = ModelSource.loadFloat(inputs.model, "tune");
    Tuner.Inputs in = inputs.inputs(m, cfg.preprocess, cacheDir.dir);
    InputSource data = in.data();
    PrintWriter stdout = spec.commandLine().getOut();
    PrintStream err = System.err;
    // checked before the run directory is created, so bad fine-tuning input writes nothing
    FineTuning ft = finetuneEpochs != 0 ? fineTuning(data, m, cfg.preprocess) : null;
    try (Tuner tuner = Tuner.prepare(in, cfg, backend.name, dir, resume != null, commandLine());
        TrialExecutor executor = tuner.nothingToDo() != null ? null : executor(clusterSettings)) {
      if (executor != null) {
        tuner.evaluateOn(executor);
      }
      if (tuner.nothingToDo() != null) {
        if (json.on) {
          var o = JsonOutput.object();
          o.put("nothing_to_do", tuner.nothingToDo());
          JsonOutput.print(stdout, o);
        } else {
          stdout.println("bocomp: " + tuner.nothingToDo());
          stdout.flush();
        }
        return 0;
      }
      if (ft != null && cfg.stages.size() > 1) {
        tuner.fineTuneBetweenStages(ft);
      }
      boolean progress = !quiet.on && !json.on && System.console() != null;
      TuneProgress bar = progress ? new TuneProgress(err) : null;
      TuneListener listener = bar != null ? bar : TuneListener.NONE;
      try (StopOnInterrupt hook = new StopOnInterrupt("bocomp-tune-stop", tuner::requestStop)) {
        TuneResult r;
        try {
          r = tuner.run(listener);
        } finally {
          if (bar != null) {
            bar.close();
          }
        }
        boolean stopped = r.partial();
        if (ft != null && !r.partial()) {
          Path finetuned = r.dir().resolve("finetuned.onnx");
          ObjectNode summary = ft.run(r.dir().resolve("compressed.onnx"), finetuned,
              tuner::stopRequested);
          r.json().set("finetune", summary);
          stopped = summary.path("status").asText().equals("stopped");
        }
        // printed before the shutdown hook is released: after Ctrl-C the JVM halts right then
        print(r, stdout);
        stdout.flush();
        return stopped ? EXIT_INTERRUPTED : 0;
      }
    }
  }

  /** The workers of --workers or --cluster, or null for the sequential tuner. */
  private TrialExecutor executor(ClusterSettings clusterSettings) {
    if (clusterSettings != null) {
      return ClusterTrialExecutor.join(clusterSettings);
    }
    return workers != null ? new LocalTrialExecutor(workers) : null;
  }

  private FineTuning fineTuning(InputSource tuneData, Model original, Preprocessing prep) {
    if (finetuneEpochs < 0) {
      throw new BocompException("--finetune-epochs must be >= 0, got " + finetuneEpochs);
    }
    Dataset d = finetuneImages == null && finetuneLabels == null ? tuneData.load()
        : DataSource.load(finetuneImages, finetuneLabels, 0, prep, original, "--finetune-images",
            "--finetune-labels").data().load();
    Distillation.Settings s = Distillation.Settings.defaults(finetuneEpochs).withLr(finetuneLr)
        .validate();
    return new FineTuning(original, d, finetuneImages == null ? "the tuning images"
        : finetuneImages.toString(), s, !quiet.on && !json.on ? System.err : null);
  }

  private RunConfig config() {
    RunConfig.Builder b = RunConfig.builder();
    if (config != null) {
      RunConfig.readRunFile(config, b);
    }
    b.preprocess(preprocess.resolve(b.preprocess()));
    if (budget != null) {
      b.budget(budget.toBudget());
    }
    if (method != null) {
      MethodChoice mc = MethodChoice.fromJson(method);
      if (mc == null) {
        throw new BocompException("--method must be svd, tucker, prune, auto or quantize, got '"
            + method + "'");
      }
      b.method(mc);
    }
    if (bits != null) {
      b.bits(bits);
    }
    if (quantGroup != null) {
      b.quantGroup(quantGroup);
    }
    Parametrization scale = parameter.resolve();
    if (scale != null) {
      b.parametrization(scale);
    }
    if (trials != null) {
      b.trials(trials);
    } else if (inputs.model == null && config == null) {
      b.trials(EMBEDDED_MODEL_TRIALS);
    }
    if (samples != null) {
      b.samples(samples);
    }
    parallelism(b);
    if (seed != null) {
      b.seed(seed);
    }
    if (mode != null) {
      try {
        b.mode(RunConfig.Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new BocompException("--mode must be lagrangian or constrained, got '" + mode + "'");
      }
    }
    if (cooling != null) {
      b.cooling(cooling);
    }
    if (distance != null) {
      DistanceObjective.Divergence d = DistanceObjective.Divergence.fromJson(distance);
      if (d == null) {
        throw new BocompException("--distance must be squared or kl, got '" + distance + "'");
      }
      b.distance(d);
    }
    if (temperature != null) {
      b.temperature(temperature);
    }
    if (exclude != null) {
      b.exclude(exclude);
    }
    if (freeze != null) {
      Map<String, Double> f = new LinkedHashMap<>();
      for (String s : freeze) {
        int eq = s.lastIndexOf('=');
        try {
          f.put(s.substring(0, eq), Double.parseDouble(s.substring(eq + 1)));
        } catch (RuntimeException e) {
          throw new BocompException("--freeze '" + s + "' must be GLOB=F (e.g. '*conv1*=0.5')");
        }
      }
      b.freeze(f);
    }
    if (group != null) {
      List<List<String>> groups = new ArrayList<>();
      for (String g : group) {
        groups.add(Arrays.asList(g.split(",")));
      }
      b.groups(groups);
    }
    return b.build();
  }

  /** Checks --workers, --parallel and --cluster and sets q: --parallel, else --workers N. */
  private void parallelism(RunConfig.Builder b) {
    if (workers != null && workers < 1) {
      throw new BocompException("--workers must be >= 1, got " + workers);
    }
    if (workers != null && cluster != null) {
      throw new BocompException("--workers and --cluster exclude each other (with --cluster the"
          + " workers are the cluster's: start `bocomp worker --threads T` on this machine too)");
    }
    if (cluster != null && parallel == null && b.parallel() == 1) {
      throw new BocompException("--cluster needs --parallel Q, the trials of one batch (about the"
          + " slots of all the workers; the result depends on Q, so keep it when resuming)");
    }
    if (parallel != null) {
      b.parallel(parallel);
    } else if (workers != null && b.parallel() == 1) {
      b.parallel(workers);
    }
  }

  private String commandLine() {
    // the parse result's original arguments start at the top-level command's: "tune ..."
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    return "bocomp " + String.join(" ", args);
  }

  private void print(TuneResult r, PrintWriter out) {
    print(r, out, r.json().path("finetune"));
  }

  private void print(TuneResult r, PrintWriter out, JsonNode ft) {
    if (json.on) {
      JsonOutput.print(out, r.json());
      return;
    }
    JsonNode j = r.json();
    if (r.partial()) {
      out.printf("bocomp: stopped after %d trials; partial result in %s (continue with --resume %s)%n",
          r.trials(), r.dir(), r.dir());
    }
    out.printf("model      %s%n", j.path("model").asText());
    out.printf("budget     %s <= %s%s%n", j.path("budget").path("metric").asText(),
        j.path("budget").path("max").asText(),
        j.path("budget").path("metric").asText().equals("latency_ms") ? " ms" : " x original");
    out.printf("trials     %d (%d networks evaluated, %d from the cache) in %.1f s%n", r.trials(),
        r.evaluations(), j.path("cache_hits").asInt(), j.path("seconds").asDouble());
    if (r.distance() != null) {
      out.printf("distance   %.6g +- %.3g (%s over %d samples)%n", r.distance().mean(),
          r.distance().stderr(), j.path("distance").path("objective").asText(), r.distance().n());
    }
    for (String m : new String[] {"params", "macs", "bytes", "latency_ms"}) {
      if (j.has(m)) {
        out.printf("%-10s %s -> %s (%.2f%%)%n", m, j.get(m).path("original").asText(),
            j.get(m).path("compressed").asText(), 100 * j.get(m).path("fraction").asDouble());
      }
    }
    if (j.has("top1")) {
      out.printf("top-1      %.2f%% -> %.2f%% (%d images)%n",
          100 * j.get("top1").path("original").asDouble(),
          100 * j.get("top1").path("compressed").asDouble(), j.get("top1").path("n").asInt());
    }
    if (!ft.isMissingNode()) {
      out.printf("finetuned  %s: %d epoch(s) on %d images (%s), %.1f s%s%n",
          ft.path("status").asText(), ft.path("epochs").size(), ft.path("n").asInt(),
          ft.path("images").asText(), ft.path("seconds").asDouble(), ft.has("top1_after")
              ? String.format(java.util.Locale.ROOT, "; top-1 %.2f%% -> %.2f%% on the tuning images",
                  100 * ft.path("top1_before").asDouble(), 100 * ft.path("top1_after").asDouble())
              : "");
    }
    out.printf("wrote      %s (%s)%n", r.dir(), r.partial() ? "result.json, report.html, journal.jsonl"
        : "compressed.onnx, " + (ft.isMissingNode() ? "" : "finetuned.onnx, ")
            + "result.json, report.html, journal.jsonl");
    out.flush();
  }
}

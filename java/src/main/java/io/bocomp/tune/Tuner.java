package io.bocomp.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.ModelHash;
import io.bocomp.compress.PlanEntry;
import io.bocomp.data.ImageTransform;
import io.bocomp.data.InputSource;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Backends;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.tune.parallel.StageContext;
import io.bocomp.tune.parallel.TrialExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The compression tuner end to end: {@link #prepare} checks everything and loads the model, its
 * factors (decomposed once, cached on disk) and the sampled inputs without writing anything;
 * {@link #run} then runs the stages (each a {@link LagrangianSearch} or {@link ConstrainedSearch}
 * over its {@link SearchSpace}, trials measured by an {@link IncrementalEvaluator}, every trial
 * journalled), and writes compressed.onnx (re-loaded and re-evaluated), result.json and
 * report.html ({@link ResultWriter}).
 *
 * <p>Resume: with {@code resume}, the journal in the run directory is read back (its fingerprint
 * must equal this run's), its trials refill the {@link EvaluationCache} and the stages' histories,
 * and the run continues at the first missing trial. Every proposal is a function of the seed, the
 * trial index and the trials before it, so the continuation equals an uninterrupted run.
 *
 * <p>Parallel: with {@link #evaluateOn} or a run {@code parallel} q above 1, each stage runs in
 * q-batches measured by several workers ({@link BatchStageRunner}), with the same result for any
 * number of them.
 *
 * <p>Stop: {@link #requestStop} (the CLI's Ctrl-C hook) ends the run after the current trial;
 * {@link #run} then writes a result.json and report.html marked partial and no model.
 *
 * <p>Parts: {@link StageSearches} builds each stage's search, {@link StageChecks} checks its budget
 * and patterns, {@link JournalLines} writes the header and stage lines, {@link ResultWriter} the
 * outputs.
 */
public final class Tuner implements AutoCloseable {
  /** Samples per forward pass of the objective. */
  static final int SAMPLE_BATCH = 64;
  /** Memory for cached boundary activations. */
  static final long ACTIVATION_CACHE_BYTES = 1L << 30;

  /**
   * What to tune.
   *
   * @param model the prepared model ({@link ModelLoader})
   * @param modelName how to show it
   * @param modelFile its file (named in messages), or null
   * @param data inputs (and optionally labels) to sample from and to measure top-1 on; an image
   *     folder is streamed for top-1, only the samples are held in memory
   * @param dataName how to show the data
   * @param preprocessing how images became inputs (recorded in result.json and the journal), or
   *     null when unknown or none (a tensor used as stored)
   * @param cacheDir the factor cache directory ({@code --cache-dir}), or null for the default
   *     ({@link io.bocomp.compress.FactorCacheDirectory})
   */
  public record Inputs(Model model, String modelName, Path modelFile, InputSource data,
      String dataName, ImageTransform preprocessing, Path cacheDir) {
    /** Inputs without recorded preprocessing, the factor cache in its default directory. */
    public Inputs(Model model, String modelName, Path modelFile, InputSource data,
        String dataName) {
      this(model, modelName, modelFile, data, dataName, null, null);
    }
  }

  private final Inputs inputs;
  private final RunConfig config;
  private final Path outDir;
  private final boolean resume;
  private final String command;
  private final Backend backend;
  private final CompressibleModel original;
  private final ModelFactors factors;
  private final SampleSet samples;
  private final PlanCost originalCost;
  private final SearchSpace firstSpace;
  private final double firstBudget;
  private final ObjectNode fingerprint;
  private final Journal.Contents previous;
  private final String nothingToDo;
  /** Top-1 of the original model on all the inputs (NaN without labels). */
  private final double originalTop1;
  private final LatencySource.Factory latencies;
  private volatile boolean stop;
  private BetweenStages betweenStages;
  /** The run directory's lock: taken by prepare (resume) or run (new run), dropped by close. */
  private RunLock lock;
  private TrialExecutor executor;

  /**
   * A built-in stage hook: fine-tunes the model a stage ends with before the next stage starts
   * (used for stages without their own hook). It writes {@code output} or throws.
   */
  public interface BetweenStages {
    void fineTune(Path model, Path output, java.util.function.BooleanSupplier stop);

    /** What it does, for the journal (e.g. "built-in finetune, 1 epoch(s)"). */
    String describe();
  }

  /**
   * Measures the trials on {@code e} (several workers, local or in a cluster; the caller closes
   * it), in batches of the run's {@code parallel} q ({@link BatchStageRunner}).
   *
   * @throws TuneConfigException when the run measures latency (concurrent trials would disturb
   *     each other's timings)
   */
  public void evaluateOn(TrialExecutor e) {
    refuseParallelLatency(config, e.describe());
    this.executor = e;
  }

  private static void refuseParallelLatency(RunConfig c, String on) {
    if (usesLatency(c)) {
      throw new TuneConfigException("a latency budget is measured one trial at a time: trials on "
          + on + " would disturb each other's timings; use --max-params, --max-macs or"
          + " --max-bytes, or tune without --workers/--parallel/--cluster");
    }
  }

  /** Fine-tunes between stages with {@code b} (stages with a hook run their hook instead). */
  public void fineTuneBetweenStages(BetweenStages b) {
    this.betweenStages = b;
  }

  private Tuner(Inputs inputs, RunConfig config, Path outDir, boolean resume, String command,
      Backend backend, LatencySource.Factory latencies) {
    this.latencies = latencies;
    this.inputs = new Inputs(specialize(inputs.model(), inputs.data()), inputs.modelName(),
        inputs.modelFile(), inputs.data(), inputs.dataName(), inputs.preprocessing(),
        inputs.cacheDir());
    this.config = config;
    this.outDir = outDir;
    this.resume = resume;
    this.command = command;
    this.backend = backend;
    this.previous = resume ? Journal.read(outDir.resolve(Journal.FILE)) : null;
    if (config.parallel > 1) {
      refuseParallelLatency(config, "q = " + config.parallel + " trials at once");
    }
    checkInputShape(backend, inputs);
    this.original = CompressibleModel.of(this.inputs.model());
    this.samples = SampleSet.draw(inputs.data(), config.samples, config.seed, SAMPLE_BATCH);
    this.fingerprint = Fingerprint.of(original.hash(), samples.sha256(), config, backend.name(),
        version());
    if (previous != null) {
      Fingerprint.check(previous.header().get("fingerprint"), fingerprint,
          outDir.resolve(Journal.FILE).toString(), previous.header().path("command").asText());
    }
    Stage first = config.stages.get(0);
    Budget budget = config.budgetOf(first);
    PlanCost analytic = PlanCost.analytic(CompressionPlan.of(List.of())
        .resolve(emptyFactors(original), ApplyOptions.defaults()));
    double latency = Double.NaN;
    if (usesLatency(config)) {
      latency = previous != null ? previous.header().path("original").path("latency_ms").asDouble()
          : latencySource(original.opset())
              .measure(original.shapedGraph(), LatencyMeter.COLD_WARMUP_NANOS);
    }
    this.originalCost = analytic.withLatency(latency);
    double fraction = budget.fraction(originalCost.value(budget.metric()));
    if (fraction >= 1) {
      this.nothingToDo = "nothing to do: " + budget.describe() + " allows the original model"
          + (budget.metric().analytic() ? "" : String.format(java.util.Locale.ROOT,
              " (it runs in %.3f ms)", latency))
          + (budget.metric().analytic() ? "; give a budget below 1"
              : String.format(java.util.Locale.ROOT, "; give a budget below %.3f ms", latency));
      this.factors = null;
      this.firstSpace = null;
      this.firstBudget = fraction;
      this.originalTop1 = Double.NaN;
      return;
    }
    this.nothingToDo = null;
    StageChecks.checkPatternsMatch(config, original, first);
    // Decomposed in memory; the cache file (in the cache directory, never beside the model) is
    // written only once every check has passed, so bad input leaves nothing behind.
    FactorCache cache = FactorCache.at(backend.decompositions(), inputs.cacheDir());
    java.util.Optional<ModelFactors> cached = cache.cached(original, inputs.modelFile());
    this.factors = cached.orElseGet(() -> cache.compute(original, inputs.modelFile()));
    this.firstSpace = SearchSpace.build(factors, StageSearches.spaceOptions(config, first, List.of()));
    this.firstBudget = fraction;
    if (previous == null) { // a journal proves the budget was accepted; re-timing could refuse it
      StageChecks.checkReachable(config, originalCost, this::latencySource, firstSpace, first,
          budget, fraction);
    }
    // Measured now, not at the end: streaming an image folder decodes every image, so a corrupt
    // one is an error before the run writes anything.
    this.originalTop1 = inputs.data().hasLabels()
        ? ResultWriter.top1(backend, inputs.model(), inputs.data()) : Double.NaN;
    if (cached.isEmpty()) {
      cache.store(factors, inputs.modelFile());
    }
  }

  /**
   * Checks the options, the data and the output directory and loads what the run needs, writing
   * nothing.
   *
   * @param command the command line, stored in the journal header and shown when a resume is refused
   * @throws BocompException naming the option, file or layer at fault
   */
  public static Tuner prepare(Inputs inputs, RunConfig config, String backendName, Path outDir,
      boolean resume, String command) {
    RunDirectory.check(outDir, resume);
    return prepare(inputs, config, Backends.create(backendName), outDir, resume, command);
  }

  /** As {@link #prepare(Inputs, RunConfig, String, Path, boolean, String)} on a given backend,
   * which the tuner owns (and closes) from then on. */
  static Tuner prepare(Inputs inputs, RunConfig config, Backend b, Path outDir, boolean resume,
      String command) {
    return prepare(inputs, config, b, outDir, resume, command, LatencyMeter.WALL_CLOCK);
  }

  /**
   * As {@link #prepare(Inputs, RunConfig, Backend, Path, boolean, String)} with the latencies of a
   * latency-constrained run taken from {@code latencies} (tests: a deterministic source).
   */
  static Tuner prepare(Inputs inputs, RunConfig config, Backend b, Path outDir, boolean resume,
      String command, LatencySource.Factory latencies) {
    RunDirectory.check(outDir, resume);
    RunLock held = resume ? RunLock.acquire(outDir, "--resume") : null; // before the journal is read
    try {
      Tuner t = new Tuner(inputs, config, outDir, resume, command, b, latencies);
      t.lock = held;
      return t;
    } catch (RuntimeException e) {
      b.close();
      if (held != null) {
        held.close();
      }
      throw e;
    }
  }

  /** Why there is nothing to do (a budget of 1 or more), or null. */
  public String nothingToDo() {
    return nothingToDo;
  }

  /**
   * True when a stop is (or within {@code millis} becomes) requested: Ctrl-C reaches a stage hook
   * and this JVM together, and the hook may exit before the shutdown hook calls
   * {@link #requestStop}.
   */
  private boolean stopRequestedWithin(long millis) {
    long end = System.nanoTime() + millis * 1_000_000L;
    while (!stop && System.nanoTime() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return stop;
  }

  /** Ends the run after the current trial (thread-safe). */
  public boolean stopRequested() {
    return stop;
  }

  /** Asks the run to stop after the current trial (or fine-tuning step). */
  public void requestStop() {
    stop = true;
  }

  /** The first stage's search space (null when there is nothing to do). */
  public SearchSpace searchSpace() {
    return firstSpace;
  }

  /** Runs (or continues) the tuning and writes the outputs. */
  public TuneResult run(TuneListener listener) {
    if (nothingToDo != null) {
      throw new IllegalStateException(nothingToDo);
    }
    long start = System.nanoTime();
    RunDirectory.create(outDir);
    if (lock == null) {
      lock = RunLock.acquire(outDir, "--out");
    }
    RunDirectory.removeLeftovers(outDir, ResultWriter.MODEL_FILE, ResultWriter.RESULT_FILE,
        ResultWriter.REPORT_FILE);
    Path journalFile = outDir.resolve(Journal.FILE);
    Map<Integer, List<TrialRecord>> replayed = new HashMap<>();
    Map<Integer, JsonNode> stageStarts = new HashMap<>();
    Map<Integer, JsonNode> stageEnds = new HashMap<>();
    if (previous != null) {
      for (ObjectNode line : previous.lines()) {
        String type = line.path("type").asText();
        int k = line.path("stage").asInt();
        if (type.equals("trial")) {
          replayed.computeIfAbsent(k, x -> new ArrayList<>()).add(JournalCodec.trial(line));
        } else if (type.equals("stage")) {
          stageStarts.put(k, line);
        } else if (type.equals("stage_end")) {
          stageEnds.put(k, line);
        }
      }
    }
    // A resumed run's seconds include the journalled trial time of the earlier invocations
    // (their trials' own time; their start-up and final writing are not journalled).
    double earlierSeconds = 0;
    for (List<TrialRecord> rs : replayed.values()) {
      for (TrialRecord r : rs) {
        earlierSeconds += r.timing().total() / 1e3;
      }
    }
    List<Tensor> reference = IncrementalEvaluator.referenceOutputs(backend, inputs.model(), samples);
    EvaluationCache cache = new EvaluationCache();
    List<StageOutcome> outcomes = new ArrayList<>();
    try (Journal journal = previous != null ? Journal.reopen(journalFile, previous.validBytes())
        : Journal.create(journalFile, JournalLines.header(command, inputs, fingerprint,
            originalCost, samples, config.seed))) {
      Model base = inputs.model();
      CompressibleModel baseCm = original;
      ModelFactors baseFactors = factors;
      List<PlanEntry> fixed = List.of();
      for (int k = 0; k < config.stages.size(); k++) {
        Stage stage = config.stages.get(k);
        Budget budget = config.budgetOf(stage);
        double fraction = budget.fraction(originalCost.value(budget.metric()));
        SearchSpace space = k == 0 ? firstSpace
            : SearchSpace.build(baseFactors, StageSearches.spaceOptions(config, stage, fixed));
        if (k > 0 && !stageStarts.containsKey(k)) {
          StageChecks.checkReachable(config, originalCost, this::latencySource, space, stage,
              budget, fraction);
        }
        if (!stageStarts.containsKey(k)) {
          journal.append(JournalLines.stage(config, k, stage, space, budget, fraction, baseCm));
        }
        List<TrialRecord> history = replayed.getOrDefault(k, List.of());
        for (TrialRecord r : history) {
          if (!r.failed() && !r.cached()) {
            cache.put(r.planKey(), new EvaluationCache.Measured(r.distance(), r.cost()));
          }
        }
        int trials = config.trialsOf(stage);
        listener.stageStarted(k, stage.name(), trials, history.size());
        Search search;
        try (IncrementalEvaluator inc = evaluator(space, base, baseCm, baseFactors, reference)) {
          LatencySource meter = budget.metric().analytic() ? null
              : latencySource(baseCm.opset());
          TrialEvaluator evaluator = new TrialEvaluator(space, inc, meter, cache,
              baseCm.hash().substring(0, 16), budget.metric(), originalCost, fraction);
          search = StageSearches.search(config, originalCost, k, space, trials, fraction, budget,
              evaluator);
          if (executor == null && config.parallel == 1) {
            history = new StageRunner(k, trials, search, evaluator, journal, listener, () -> stop)
                .run(history);
          } else {
            history = BatchStageRunner.run(k, trials, config.parallel, search, evaluator, executor,
                new StageContext(base, baseFactors, space.fixedEntries(),
                    List.copyOf(searchedLayers(space)), samples, reference, config.objective()),
                journal, listener, () -> stop, history);
          }
        }
        listener.stageFinished(k);
        outcomes.add(new StageOutcome(k, stage, space, budget, fraction, history, search, base,
            baseCm, baseFactors));
        if (history.size() < trials) {
          listener.finishing("writing the partial result");
          return new ResultWriter(outDir, inputs, config, backend, samples, reference, originalCost,
              originalTop1)
              .writePartial(outcomes, seconds(start) + earlierSeconds);
        }
        if (k == config.stages.size() - 1) {
          break;
        }
        TrialRecord best = StageChecks.requireFeasible(StageRunner.bestFeasible(history), stage, budget);
        CompressionPlan plan = space.plan(best.theta());
        JsonNode end = stageEnds.get(k);
        Path replacement;
        try {
          replacement = end != null ? replacementFrom(end)
              : endStage(k, stage, plan, base, baseCm, baseFactors, journal, best);
        } catch (BocompException e) {
          if (!stopRequestedWithin(1000)) {
            throw e;
          }
          // Ctrl-C reached the hook too (same process group): a partial result, resumable
          listener.finishing("writing the partial result");
          return new ResultWriter(outDir, inputs, config, backend, samples, reference, originalCost,
              originalTop1)
              .writePartial(outcomes, seconds(start) + earlierSeconds);
        }
        if (replacement != null) {
          base = specialize(ModelLoader.load(replacement), inputs.data());
          baseCm = CompressibleModel.of(base);
          baseFactors = FactorCache.at(backend.decompositions(), inputs.cacheDir())
              .load(baseCm, replacement);
          fixed = List.of();
        } else {
          fixed = plan.entries();
        }
      }
    }
    StageOutcome last = outcomes.get(outcomes.size() - 1);
    StageChecks.requireFeasible(StageRunner.bestFeasible(last.history()), last.stage(), last.budget());
    listener.finishing("verifying and writing the outputs");
    return new ResultWriter(outDir, inputs, config, backend, samples, reference, originalCost,
              originalTop1)
        .writeFinal(outcomes, seconds(start) + earlierSeconds);
  }

  /** What one stage produced, for the result writer. */
  record StageOutcome(int index, Stage stage, SearchSpace space, Budget budget, double fraction,
      List<TrialRecord> history, Search search, Model base, CompressibleModel baseModel,
      ModelFactors baseFactors) {}

  @Override
  public void close() {
    backend.close();
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }

  // ---------------------------------------------------------------------------------------------

  private Path endStage(int k, Stage stage, CompressionPlan plan, Model base,
      CompressibleModel baseCm, ModelFactors baseFactors, Journal journal, TrialRecord best) {
    ObjectNode end = Journal.JSON.createObjectNode();
    end.put("type", "stage_end");
    end.put("stage", k);
    end.put("best_trial", best.trial());
    end.set("plan", plan.toJsonNode());
    Path replacement = null;
    if (stage.hook() != null || betweenStages != null) {
      Path model = outDir.resolve("stage-" + (k + 1) + ".onnx");
      var g = plan.apply(baseCm.graph(), baseFactors, ApplyOptions.defaults()).graph();
      OnnxExporter.write(base.withGraph(g), model);
      if (stage.hook() != null) {
        replacement = StageHook.run(stage.hook(), stage.name(), k, outDir, model);
      } else {
        replacement = outDir.resolve("stage-" + (k + 1) + "-finetuned.onnx");
        betweenStages.fineTune(model, replacement, () -> stop);
      }
      ObjectNode h = end.putObject("hook");
      h.put("command", stage.hook() != null ? stage.hook() : betweenStages.describe());
      h.put("model", model.getFileName().toString());
      if (replacement != null) {
        h.put("replacement", replacement.getFileName().toString());
        h.put("replacement_sha256", ModelHash.of(ModelLoader.load(replacement).graph()));
      }
    }
    journal.append(end);
    return replacement;
  }

  private Path replacementFrom(JsonNode end) {
    JsonNode h = end.get("hook");
    if (h == null || !h.has("replacement")) {
      return null;
    }
    Path p = outDir.resolve(h.get("replacement").asText());
    if (!Files.isRegularFile(p)) {
      throw new JournalMismatchException("the journal says stage " + (end.get("stage").asInt() + 1)
          + "'s hook wrote " + p + ", which is missing");
    }
    String sha = ModelHash.of(ModelLoader.load(p).graph());
    if (!sha.equals(h.path("replacement_sha256").asText())) {
      throw new JournalMismatchException(p + " changed since the journal recorded it");
    }
    return p;
  }

  /**
   * The stage's L evaluator. Fixed entries (an earlier stage's plan, frozen layers) are applied to
   * the base once, so the cached boundary activations include them and a trial re-runs only from
   * its first searched layer that changes.
   */
  private IncrementalEvaluator evaluator(SearchSpace space, Model base, CompressibleModel baseCm,
      ModelFactors baseFactors, List<Tensor> reference) {
    if (space.fixedEntries().isEmpty()) {
      return new IncrementalEvaluator(backend, baseCm, samples, reference, config.objective(),
          searchedLayers(space), ACTIVATION_CACHE_BYTES);
    }
    Graph fixed = CompressionPlan.of(space.fixedEntries())
        .apply(baseCm.graph(), baseFactors, ApplyOptions.defaults()).graph();
    return new IncrementalEvaluator(backend, CompressibleModel.of(base.withGraph(fixed)), samples,
        reference, config.objective(), searchedLayers(space), ACTIVATION_CACHE_BYTES, true);
  }

  private static java.util.Collection<String> searchedLayers(SearchSpace space) {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (SearchSpace.Knob k : space.knobs()) {
      names.addAll(k.layers());
    }
    return names;
  }

  private static boolean usesLatency(RunConfig c) {
    for (Stage s : c.stages) {
      if (!c.budgetOf(s).metric().analytic()) {
        return true;
      }
    }
    return false;
  }

  private LatencySource latencySource(long opset) {
    InputSource data = inputs.data();
    Tensor batch = data.batch(0, Math.min(config.latencyBatch, data.size()));
    return latencies.create(backend, opset, batch, config.latencyWarmup, config.latencyRuns);
  }

  private static void checkInputShape(Backend b, Inputs in) {
    try (Executable e = b.compile(in.model())) {
      new BatchRunner(e, 1).checkFits(in.data().shape(in.data().size()), "the images ("
          + in.dataName() + ")");
    }
  }

  /**
   * The model with its symbolic input dimensions (other than the batch) fixed to the data's
   * sample shape ({@link Model#specialize}), so every layer has concrete sizes to cost; exports
   * keep the file's declared inputs.
   */
  private static Model specialize(Model m, InputSource data) {
    try {
      return ModelLoader.specialize(m, data.sampleShape());
    } catch (io.bocomp.model.ModelFormatException e) {
      return m; // checkInputShape names the mismatch with the data's name
    }
  }

  private static ModelFactors emptyFactors(CompressibleModel m) {
    return new ModelFactors(m, Map.of());
  }

  static String version() {
    String v = Tuner.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}

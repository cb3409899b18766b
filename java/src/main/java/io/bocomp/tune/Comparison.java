package io.bocomp.tune;

import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.data.InputSource;
import io.bocomp.engine.Backend;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.tune.alloc.Allocation;
import io.bocomp.tune.alloc.AllocationProblem;
import io.bocomp.tune.alloc.Allocator;
import io.bocomp.tune.alloc.Allocators;
import io.bocomp.tune.alloc.NotApplicableException;
import io.bocomp.tune.alloc.RandomFeasibleAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code bocomp compare}: every allocator and the tuner at one budget, scored on held-out inputs.
 *
 * <p>What runs: the one-shot allocators ({@link Allocators#oneShot}: spectra and costs only, one
 * plan each), then for each seed s the tuner ({@link Tuner}, its run directory {@code
 * tuner-seed-S} under the output directory, its L measured on its own sample of {@code samples}
 * inputs drawn with seed s) and random search with as many evaluations as that tuner run made
 * ({@link RandomFeasibleAllocator}, scored on the same sample). Every plan is then scored on the
 * held-out inputs: {@code holdout} rows drawn (seeded) from the rows no seed's tuning sample uses,
 * so no plan was chosen on them. Per plan: held-out L with its standard error, top-1 on the
 * held-out rows when the data have labels, parameters, MACs, bytes, the latency of the compressed
 * model on the CPU backend (median of {@value #LATENCY_RUNS} timed passes of a batch of up to
 * {@value #LATENCY_BATCH} held-out rows, after warm-up: measured, so it varies from run to run)
 * and the wall time the method took (allocator: its computation; random search: its draws and
 * evaluations; tuner: its whole run). The one-shot plans are also measured on every seed's tuning
 * sample (where the tuner, which starts from them, can be compared with them on its own terms).
 *
 * <p>{@link #prepare} checks everything and writes nothing (a bad budget, data, {@code --holdout}
 * larger than the rows outside the tuning samples, an output directory holding a comparison);
 * {@link #run} writes {@code compare.json} and {@code compare.html} atomically
 * ({@link ComparisonReport}) after the tuner runs wrote theirs.
 *
 * <p>Limits: analytic budgets only (params, MACs, bytes); one stage; the tuner's defaults apart from
 * the budget, trials, samples, seed and preprocessing (so the squared output distance); the CPU
 * backend.
 */
public final class Comparison implements AutoCloseable {
  /** Rows per forward pass when scoring held-out inputs. */
  static final int BATCH = 64;
  static final int LATENCY_BATCH = 8;
  static final int LATENCY_RUNS = 7;
  static final int LATENCY_WARMUP = 2;
  /** Seed of the held-out draw (independent of the tuning seeds). */
  static final long HOLDOUT_SEED = 0x686f6c646f7574L;
  /** The tuner's default objective, used for every plan. */
  static final DistanceObjective OBJECTIVE = DistanceObjective.squared();

  /**
   * What to compare.
   *
   * @param budget an analytic budget
   * @param trials the tuner's trials per seed
   * @param seeds tuner runs, with seeds 0 .. seeds-1
   * @param samples inputs each tuner run measures L on
   * @param holdout held-out inputs every plan is scored on (0: all rows outside the tuning samples)
   * @param preprocess how images became inputs (recorded in the tuner runs), or
   *     {@link io.bocomp.data.Preprocessing#NONE}
   * @param unseeded also run, per seed, the tuner without the allocators' plans in its initial
   *     design (method "tuner-unseeded", run directory {@code tuner-unseeded-seed-S}): what the
   *     seeding contributes
   * @param parametrization the tuner's search scale (null: the tuner's default); random search
   *     draws uniformly on the same scale, the allocators' plans do not depend on it
   */
  public record Settings(Budget budget, int trials, int seeds, int samples, int holdout,
      io.bocomp.data.Preprocessing preprocess, boolean unseeded, Parametrization parametrization) {
    /** Settings with the tuner's default parametrization. */
    public Settings(Budget budget, int trials, int seeds, int samples, int holdout,
        io.bocomp.data.Preprocessing preprocess, boolean unseeded) {
      this(budget, trials, seeds, samples, holdout, preprocess, unseeded, null);
    }

    /** Settings without the unseeded ablation, with the default parametrization. */
    public Settings(Budget budget, int trials, int seeds, int samples, int holdout,
        io.bocomp.data.Preprocessing preprocess) {
      this(budget, trials, seeds, samples, holdout, preprocess, false, null);
    }
  }

  /**
   * One scored plan.
   *
   * @param method "uniform", "energy", "alds", "evbmf", "lc", "random" or "tuner"
   * @param seed the seed of a tuner or random-search run; null for a one-shot allocator
   * @param theta the plan in the tuner's search space
   * @param plan the compression plan
   * @param cost its analytic costs and the measured latency
   * @param fraction its cost in the budget's metric, as a fraction of the original
   * @param tuning L on each seed's tuning sample it was measured on (seed to distance)
   * @param holdout L on the held-out inputs
   * @param top1 top-1 on the held-out inputs (NaN without labels)
   * @param seconds the method's wall time
   * @param evaluations networks the method evaluated to choose its plan
   * @param parameterName what the method's scalar is
   * @param parameter its value
   */
  public record Row(String method, Integer seed, double[] theta, CompressionPlan plan,
      PlanCost cost, double fraction, Map<Integer, Distance> tuning, Distance holdout, double top1,
      double seconds, int evaluations, String parameterName, double parameter) {}

  /**
   * The outcome.
   *
   * @param dir the output directory
   * @param rows every scored plan: the one-shot allocators, then per seed random search and tuner
   * @param report the compare.json document
   */
  public record Result(Path dir, List<Row> rows, com.fasterxml.jackson.databind.node.ObjectNode
      report) {}

  private final Tuner.Inputs inputs;
  private final Settings settings;
  private final Path out;
  private final Backend backend = new CpuBackend();
  private final List<SampleSet> tuningSamples = new ArrayList<>();
  private final int[] holdout;
  private final Tuner first;

  private Comparison(Tuner.Inputs inputs, Settings settings, Path out) {
    this.inputs = inputs;
    this.settings = settings;
    this.out = out;
    Budget b = settings.budget();
    if (!b.metric().analytic()) {
      throw new TuneConfigException("compare takes --max-params, --max-macs or --max-bytes, not "
          + b.metric().option());
    }
    if (settings.trials() < 1 || settings.seeds() < 1 || settings.holdout() < 0) {
      throw new TuneConfigException("--trials and --seeds must be at least 1 and --holdout at"
          + " least 0, got " + settings.trials() + ", " + settings.seeds() + " and "
          + settings.holdout());
    }
    if (Files.exists(out.resolve(ComparisonReport.JSON_FILE))) {
      throw new TuneConfigException("--out " + out + ": already holds a comparison ("
          + ComparisonReport.JSON_FILE + "); choose another --out");
    }
    InputSource data = inputs.data();
    Set<Integer> used = new HashSet<>();
    for (int s = 0; s < settings.seeds(); s++) {
      SampleSet set = SampleSet.draw(data, settings.samples(), s, Tuner.SAMPLE_BATCH);
      tuningSamples.add(set);
      for (int i : set.indices()) {
        used.add(i);
      }
    }
    int[] free = new int[data.size() - used.size()];
    for (int i = 0, j = 0; i < data.size(); i++) {
      if (!used.contains(i)) {
        free[j++] = i;
      }
    }
    int n = settings.holdout() == 0 ? free.length : settings.holdout();
    if (n > free.length || free.length == 0) {
      throw new TuneConfigException(String.format(java.util.Locale.ROOT, "--holdout %d: only %d"
          + " of the %d inputs are outside the tuning samples (%d seed(s) x %d samples); give"
          + " more inputs or lower --holdout, --samples or --seeds", n, free.length, data.size(),
          settings.seeds(), settings.samples()));
    }
    this.holdout = heldOut(free, n);
    this.first = tuner(0, true);
  }

  /**
   * Checks the settings, the data and the output directory and prepares the first tuner run,
   * writing nothing.
   *
   * @throws io.bocomp.BocompException naming the option or file at fault
   */
  public static Comparison prepare(Tuner.Inputs inputs, Settings settings, Path out) {
    return new Comparison(inputs, settings, out);
  }

  /** The held-out rows (ascending dataset indices). */
  public int[] holdout() {
    return holdout.clone();
  }

  /** Why there is nothing to compare (a budget of 1 or more), or null. */
  public String nothingToDo() {
    return first.nothingToDo();
  }

  /**
   * Runs every method and writes compare.json and compare.html.
   *
   * @param progress told what is being done, one line at a time
   */
  public Result run(Consumer<String> progress) {
    if (first.nothingToDo() != null) {
      throw new IllegalStateException(first.nothingToDo());
    }
    RunDirectory.create(out);
    SearchSpace space = first.searchSpace();
    Budget budget = settings.budget();
    AllocationProblem problem = AllocationProblem.of(space, budget.metric(), budget.limit());
    Model model = inputs.model();
    List<Tensor> holdBatches = new ArrayList<>();
    for (int i = 0; i < holdout.length; i += BATCH) {
      holdBatches.add(inputs.data().rows(Arrays.copyOfRange(holdout, i,
          Math.min(holdout.length, i + BATCH))));
    }
    List<Tensor> holdRef = outputs(model.graph(), model.opset(), holdBatches);
    List<Row> rows = new ArrayList<>();
    List<Allocation> oneShot = new ArrayList<>();
    for (Allocator a : Allocators.oneShot()) {
      progress.accept("allocator " + a.name());
      try {
        oneShot.add(a.allocate(problem));
      } catch (NotApplicableException e) {
        progress.accept("allocator " + a.name() + ": " + e.getMessage());
      }
    }
    List<Map<Integer, Distance>> oneShotTuning = new ArrayList<>();
    oneShot.forEach(a -> oneShotTuning.add(new LinkedHashMap<>()));
    List<Row> perSeed = new ArrayList<>();
    for (int s = 0; s < settings.seeds(); s++) {
      progress.accept("tuner, seed " + s + " (" + settings.trials() + " trials)");
      long t0 = System.nanoTime();
      TuneResult tuned;
      Tuner t = s == 0 ? first : tuner(s, true);
      try {
        tuned = t.run(TuneListener.NONE);
      } finally {
        if (t != first) {
          t.close();
        }
      }
      double tuneSeconds = (System.nanoTime() - t0) / 1e9;
      SampleSet sample = tuningSamples.get(s);
      List<Tensor> ref = IncrementalEvaluator.referenceOutputs(backend, model, sample);
      List<String> layers = new ArrayList<>();
      space.knobs().forEach(k -> layers.addAll(k.layers()));
      try (IncrementalEvaluator ev = new IncrementalEvaluator(backend, space.factors().model(),
          sample, ref, OBJECTIVE, layers, Tuner.ACTIVATION_CACHE_BYTES)) {
        for (int i = 0; i < oneShot.size(); i++) {
          oneShotTuning.get(i).put(s, measure(space, ev, oneShot.get(i).theta()));
        }
        progress.accept("random search, seed " + s + " (" + tuned.evaluations()
            + " evaluations)");
        Allocation random = new RandomFeasibleAllocator(Math.max(1, tuned.evaluations()),
            1000 + s, th -> measure(space, ev, th).mean()).allocate(problem);
        perSeed.add(row("random", s, random, Map.of(s, measure(space, ev, random.theta()))));
        double[] best = tuned.best().theta();
        Allocation tunerAlloc = new Allocation("tuner", best, space.plan(best),
            PlanCost.analytic(space.resolve(best)), problem.fraction(best), Double.NaN,
            "trials", settings.trials(), tuned.evaluations(), tuneSeconds, List.of());
        perSeed.add(row("tuner", s, tunerAlloc, Map.of(s, tuned.distance())));
      }
      if (settings.unseeded()) {
        progress.accept("tuner without the allocators' plans, seed " + s);
        long u0 = System.nanoTime();
        TuneResult plain;
        try (Tuner u = tuner(s, false)) {
          plain = u.run(TuneListener.NONE);
        }
        double[] best = plain.best().theta();
        perSeed.add(row("tuner-unseeded", s, new Allocation("tuner-unseeded", best,
            space.plan(best), PlanCost.analytic(space.resolve(best)), problem.fraction(best),
            Double.NaN, "trials", settings.trials(), plain.evaluations(),
            (System.nanoTime() - u0) / 1e9, List.of()), Map.of(s, plain.distance())));
      }
    }
    for (int i = 0; i < oneShot.size(); i++) {
      rows.add(row(oneShot.get(i).allocator(), null, oneShot.get(i), oneShotTuning.get(i)));
    }
    rows.addAll(perSeed);
    progress.accept("scoring " + rows.size() + " plans on " + holdout.length
        + " held-out inputs");
    List<Row> scored = new ArrayList<>();
    LatencyMeter meter = new LatencyMeter(backend, model.opset(), inputs.data().rows(
        Arrays.copyOf(holdout, Math.min(LATENCY_BATCH, holdout.length))), LATENCY_WARMUP,
        LATENCY_RUNS);
    double originalLatency = meter.measure(model.graph(), LatencyMeter.COLD_WARMUP_NANOS);
    for (Row r : rows) {
      Graph g = space.plan(r.theta()).apply(space.factors().model().graph(), space.factors(),
          ApplyOptions.defaults()).graph();
      List<Tensor> outs = outputs(g, model.opset(), holdBatches);
      scored.add(new Row(r.method(), r.seed(), r.theta(), r.plan(),
          r.cost().withLatency(meter.measure(g)), r.fraction(), r.tuning(),
          distance(outs, holdRef), top1(outs), r.seconds(), r.evaluations(), r.parameterName(),
          r.parameter()));
    }
    double originalTop1 = top1(holdRef);
    var report = new ComparisonReport(inputs, settings, tuningSamples, holdout,
        sha256(holdBatches), problem, originalLatency, originalTop1, scored).json();
    ComparisonReport.write(out, report);
    return new Result(out, scored, report);
  }

  @Override
  public void close() {
    first.close();
    backend.close();
  }

  // ---------------------------------------------------------------------------------------------

  private Tuner tuner(int seed, boolean seeded) {
    RunConfig.Builder b = RunConfig.builder().budget(settings.budget())
        .trials(settings.trials()).samples(settings.samples()).seed(seed)
        .preprocess(settings.preprocess()).allocatorStart(seeded);
    if (settings.parametrization() != null) {
      b.parametrization(settings.parametrization());
    }
    String dir = (seeded ? "tuner-seed-" : "tuner-unseeded-seed-") + seed;
    return Tuner.prepare(inputs, b.build(), "cpu", out.resolve(dir), false,
        "bocomp compare (seed " + seed + (seeded ? ")" : ", no allocator start)"));
  }

  private static Row row(String method, Integer seed, Allocation a, Map<Integer, Distance> tuning) {
    return new Row(method, seed, a.theta(), a.plan(), a.cost(), a.fraction(), tuning, null,
        Double.NaN, a.seconds(), a.evaluations(), a.parameterName(), a.parameter());
  }

  private static Distance measure(SearchSpace space, IncrementalEvaluator ev, double[] theta) {
    ResolvedPlan p = space.resolve(theta);
    Graph g = p.plan().apply(space.factors().model().graph(), space.factors(),
        ApplyOptions.defaults()).graph();
    return ev.evaluate(p, g).distance();
  }

  /** The model's first output on every batch. */
  private List<Tensor> outputs(Graph g, long opset, List<Tensor> batches) {
    try (Executable e = backend.compile(g, opset)) {
      String in = g.inputs().get(0).name();
      String o = g.outputs().get(0).name();
      List<Tensor> res = new ArrayList<>();
      for (Tensor b : batches) {
        res.add(e.run(Map.of(in, b), List.of(o)).get(o));
      }
      return res;
    }
  }

  private Distance distance(List<Tensor> outs, List<Tensor> ref) {
    List<io.bocomp.engine.Decompositions.DistanceStats> parts = new ArrayList<>();
    DistanceObjective objective = OBJECTIVE;
    for (int i = 0; i < outs.size(); i++) {
      parts.add(objective.reduce(outs.get(i), ref.get(i)));
    }
    return Distance.pool(parts);
  }

  /** Top-1 against the held-out labels (NaN without labels). */
  private double top1(List<Tensor> outs) {
    int[] labels = inputs.data().labels();
    if (labels == null) {
      return Double.NaN;
    }
    int[] pred = new int[holdout.length];
    int at = 0;
    for (Tensor o : outs) {
      int[] p = BatchRunner.argmax(o);
      System.arraycopy(p, 0, pred, at, p.length);
      at += p.length;
    }
    int[] truth = new int[holdout.length];
    for (int i = 0; i < truth.length; i++) {
      truth[i] = labels[holdout[i]];
    }
    return BatchRunner.agreement(pred, truth);
  }

  /** n of the free rows, drawn with a fixed seed ({@link SampleSet#drawRows}), ascending. */
  private static int[] heldOut(int[] free, int n) {
    int[] out = SampleSet.drawRows(free, n, HOLDOUT_SEED);
    Arrays.sort(out);
    return out;
  }

  private static String sha256(List<Tensor> batches) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      for (Tensor t : batches) {
        java.nio.FloatBuffer f = t.data();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * f.remaining())
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        md.update(b.array());
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}

package io.bocomp.tune;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.data.Preprocessing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything that decides what a tuning run computes (and so goes into the journal's
 * fingerprint): budget, method, parametrization, search mode, trials, samples, seed, objective,
 * layer selection and stages. Built from defaults, then a JSON run file ({@link #readRunFile}),
 * then command-line options, each overriding the one before. This class is the value and its
 * {@link Builder} (which checks the settings against each other); {@link RunFileParser} reads run
 * files and {@link RunConfigJson} writes the JSON form.
 *
 * <p>Run file (JSON; every field optional, unknown fields are errors):
 *
 * <pre>
 * {"budget": {"metric": "params" | "macs" | "bytes" | "latency_ms", "max": 0.25},
 *  "method": "auto" | "svd" | "tucker" | "prune" | "quantize", "parameter": "rank" | "logrank" | "energy",
 *  "bits": [2, 3, 4, 5, 6, 8], "quant_group": 0,
 *  "mode": "lagrangian" | "constrained", "cooling": "exp" | "linear" | "none", "cooling_eta": 0.5,
 *  "trials": 100, "samples": 50, "seed": 0, "noise": "stderr" | "fixed",
 *  "distance": "squared" | "kl", "temperature": 4.0,
 *  "exclude": ["GLOB", ...], "freeze": {"GLOB": 0.5, ...}, "groups": [["GLOB", ...], ...],
 *  "initial_design": 0, "trials_per_lambda": 0, "explore_every": 4, "boundary_every": 2,
 *  "min_saving": 0.01,
 *  "uniform_start": true, "allocator_start": true, "parallel": 1,
 *  "max_prune_fraction": 0.99, "latency": {"batch": 1, "warmup": 3, "runs": 11},
 *  "preprocess": {"resize": 256, "crop": [224, 224], "mean": [0.485, 0.456, 0.406], ...},
 *  "stages": [{"name": "conv", "layers": ["GLOB", ...], "trials": 60,
 *              "budget": {"metric": "macs", "max": 0.5}, "method": "tucker",
 *              "hook": "python finetune.py"}, ...]}
 * </pre>
 *
 * ({@code initial_design} and {@code trials_per_lambda} 0 mean automatic; {@code explore_every} 0
 * is pure BO; {@code boundary_every} N makes every N-th BO trial of the Lagrangian search minimize L
 * itself under the exact budget (0: never; {@link LagrangianSearch}); {@code cooling_eta} 0 scales exponential cooling's rate to the stage's trials
 * ({@link ExponentialCooling}); {@code noise} is what the GP is told about L's error
 * ({@link ObjectiveNoise}), both left out of {@link #toJson} at their defaults; {@code min_saving} 0 searches every compressible layer; {@code preprocess} is
 * {@link Preprocessing}'s JSON, the settings the command line's --resize, --crop, ... override one
 * by one, and is left out of {@link #toJson} when nothing is set, so journals of runs before it
 * existed still resume; {@code bits} are the weight bit widths searched (empty: float weights;
 * {@code quantize} defaults to 2, 4 and 8, the widths of distinct storage) and {@code quant_group} the inputs per scale of Gemm/MatMul
 * weights (0: per output channel; 32, 64 or 128), both left out of {@link #toJson} when unset.)
 */
public final class RunConfig {
  /** The search mode. */
  public enum Mode {
    LAGRANGIAN, CONSTRAINED
  }

  /** The largest q (one BO batch of 256 Kriging-believer points is already far past useful). */
  public static final int MAX_PARALLEL = 256;
  /** The default {@link #coolingEta} (kept out of {@link #toJson} at this value). */
  public static final double DEFAULT_COOLING_ETA = ExponentialCooling.PAPER_ETA;
  /**
   * The default {@link #boundaryEvery}. Runs made before it existed searched with 0: their
   * journals lack the field, which {@link Fingerprint} reads as 0.
   */
  public static final int DEFAULT_BOUNDARY_EVERY = 2;
  /** The default {@link #noise} (kept out of {@link #toJson} at this value). */
  public static final ObjectiveNoise DEFAULT_NOISE = ObjectiveNoise.STDERR;

  public final Budget budget;
  public final MethodChoice method;
  public final Parametrization parametrization;
  public final Mode mode;
  public final String cooling;
  /**
   * The rate of exponential cooling: positive for a fixed eta, 0 for eta scaled to the stage's BO
   * trials ({@link ExponentialCooling}).
   */
  public final double coolingEta;
  /** What the GP is told about the noise of L ({@link ObjectiveNoise}). */
  public final ObjectiveNoise noise;
  public final int trials;
  public final int samples;
  public final long seed;
  public final DistanceObjective.Divergence distance;
  public final double temperature;
  public final List<String> exclude;
  public final Map<String, Double> freeze;
  public final List<List<String>> groups;
  public final List<Stage> stages;
  public final int initialDesign;
  public final int trialsPerLambda;
  /** Every this many BO trials, one is a random point within the budget (0: pure BO). */
  public final int exploreEvery;
  /** Every this many BO trials of a Lagrangian search, one minimizes L under the budget. */
  public final int boundaryEvery;
  /** Layers saving less than this fraction of the budget's cost at most are left dense. */
  public final double minSaving;
  public final boolean uniformStart;
  /** The one-shot allocators' plans join the initial design ({@link io.bocomp.tune.alloc}). */
  public final boolean allocatorStart;
  public final double maxPruneFraction;
  public final int latencyBatch;
  public final int latencyWarmup;
  public final int latencyRuns;
  /** How images become inputs, as asked for (unset settings come from the model input). */
  public final Preprocessing preprocess;
  /** Weight bit widths searched, ascending (empty: float weights). */
  public final List<Integer> bits;
  /** Inputs per quantization scale of Gemm/MatMul weights (0: one per output channel). */
  public final int quantGroup;
  /**
   * q: BO trials proposed together as one batch and evaluated in parallel (1: one at a time). It
   * changes what the run computes, so it is part of the fingerprint; the number of workers is not.
   */
  public final int parallel;

  private RunConfig(Builder b) {
    this.preprocess = b.preprocess;
    this.bits = b.bits;
    this.quantGroup = b.quantGroup;
    this.budget = b.budget;
    this.method = b.method;
    this.parametrization = b.parametrization;
    this.mode = b.mode;
    this.cooling = b.cooling;
    this.coolingEta = b.coolingEta;
    this.noise = b.noise;
    this.trials = b.trials;
    this.samples = b.samples;
    this.seed = b.seed;
    this.distance = b.distance;
    this.temperature = b.temperature;
    this.exclude = List.copyOf(b.exclude);
    this.freeze = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.freeze));
    List<List<String>> g = new ArrayList<>();
    for (List<String> l : b.groups) {
      g.add(List.copyOf(l));
    }
    this.groups = List.copyOf(g);
    this.stages = b.stages.isEmpty() ? List.of(Stage.whole()) : List.copyOf(b.stages);
    this.initialDesign = b.initialDesign;
    this.trialsPerLambda = b.trialsPerLambda;
    this.exploreEvery = b.exploreEvery;
    this.boundaryEvery = b.boundaryEvery;
    this.minSaving = b.minSaving;
    this.uniformStart = b.uniformStart;
    this.allocatorStart = b.allocatorStart;
    this.maxPruneFraction = b.maxPruneFraction;
    this.latencyBatch = b.latencyBatch;
    this.latencyWarmup = b.latencyWarmup;
    this.latencyRuns = b.latencyRuns;
    this.parallel = b.parallel;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The stage's budget, or the run's. */
  public Budget budgetOf(Stage s) {
    return s.budget() != null ? s.budget() : budget;
  }

  /** The stage's trials, or the run's. */
  public int trialsOf(Stage s) {
    return s.trials() > 0 ? s.trials() : trials;
  }

  /** The stage's method, or the run's. */
  public MethodChoice methodOf(Stage s) {
    return s.method() != null ? s.method() : method;
  }

  /** The objective these settings describe. */
  public DistanceObjective objective() {
    return DistanceObjective.of(distance, temperature);
  }

  /** The configuration as JSON (the run-file format, all fields present). */
  public ObjectNode toJson() {
    return RunConfigJson.write(this);
  }

  /**
   * Reads a run file into {@code b} (fields present in the file override the builder's).
   *
   * @throws TuneConfigException naming the file and the field at fault
   */
  public static void readRunFile(Path file, Builder b) {
    RunFileParser.read(file, b);
  }


  static Mode mode(String s, String where) {
    try {
      return Mode.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TuneConfigException(where + " must be lagrangian or constrained, got '" + s + "'");
    }
  }

  static String cooling(String s, String where) {
    CoolingSchedule c = CoolingSchedule.named(s);
    if (c == null) {
      throw new TuneConfigException(where + " must be exp, linear or none, got '" + s + "'");
    }
    return c.name();
  }

  /** Collects settings; {@link #build()} checks them. */
  public static final class Builder {
    private Budget budget = new Budget(CostMetric.PARAMS, 0.25);
    private MethodChoice method = MethodChoice.AUTO;
    // energy: the smallest worst case over the zoo (docs/results.md, "Search fidelity": median
    // held-out L within 1.30x of the best scale on every model and budget measured; logrank and
    // rank each lose by 1.4x or more somewhere)
    private Parametrization parametrization = Parametrization.ENERGY;
    // constrained, no cooling: the lowest median held-out L over the zoo (docs/results.md, "The
    // search mode"); the Lagrangian search with boundary proposals every 2nd trial came second,
    // without them last
    private Mode mode = Mode.CONSTRAINED;
    private String cooling = "none";
    private double coolingEta = DEFAULT_COOLING_ETA;
    private ObjectiveNoise noise = DEFAULT_NOISE;
    private int trials = 100;
    private int samples = 50;
    private long seed;
    private DistanceObjective.Divergence distance = DistanceObjective.Divergence.SQUARED;
    private double temperature = 4;
    private List<String> exclude = List.of();
    private Map<String, Double> freeze = Map.of();
    private List<List<String>> groups = List.of();
    private List<Stage> stages = List.of();
    private int initialDesign;
    private int trialsPerLambda;
    private int exploreEvery = 4;
    private int boundaryEvery = DEFAULT_BOUNDARY_EVERY;
    private double minSaving = 0.01;
    private boolean uniformStart = true;
    private boolean allocatorStart = true;
    private double maxPruneFraction = 0.99;
    // package-private: the run-file parser keeps the ones a partial "latency" object leaves out
    int latencyBatch = 1;
    int latencyWarmup = 3;
    int latencyRuns = 11;
    private Preprocessing preprocess = Preprocessing.NONE;
    private int parallel = 1;
    private List<Integer> bits = List.of();
    private int quantGroup;

    /**
     * Weight bit widths to search (each of 2, 3, 4, 5, 6, 8; empty: float weights), kept in
     * ascending order, each once; {@link #build} checks them.
     */
    public Builder bits(List<Integer> widths) {
      this.bits = List.copyOf(new TreeSet<>(widths));
      return this;
    }

    /** Inputs per quantization scale of Gemm/MatMul weights: 0 (per channel), 32, 64, 128. */
    public Builder quantGroup(int g) {
      this.quantGroup = g;
      return this;
    }

    public Builder budget(Budget b) {
      this.budget = b;
      return this;
    }

    public Builder method(MethodChoice m) {
      this.method = m;
      return this;
    }

    public Builder parametrization(Parametrization p) {
      this.parametrization = p;
      return this;
    }

    public Builder mode(Mode m) {
      this.mode = m;
      return this;
    }

    public Builder cooling(String c) {
      this.cooling = RunConfig.cooling(c, "--cooling");
      return this;
    }

    /** The rate of "exp" cooling: positive for a fixed eta, 0 for eta scaled to the run length. */
    public Builder coolingEta(double eta) {
      this.coolingEta = eta;
      return this;
    }

    /** What the GP is told about the noise of L (default {@link #DEFAULT_NOISE}). */
    public Builder noise(ObjectiveNoise n) {
      this.noise = java.util.Objects.requireNonNull(n, "noise");
      return this;
    }

    public Builder trials(int n) {
      this.trials = n;
      return this;
    }

    public Builder samples(int n) {
      this.samples = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder distance(DistanceObjective.Divergence d) {
      this.distance = d;
      return this;
    }

    public Builder temperature(double t) {
      this.temperature = t;
      return this;
    }

    public Builder exclude(List<String> globs) {
      this.exclude = List.copyOf(globs);
      return this;
    }

    public Builder freeze(Map<String, Double> f) {
      this.freeze = new LinkedHashMap<>(f);
      return this;
    }

    public Builder groups(List<List<String>> g) {
      this.groups = List.copyOf(g);
      return this;
    }

    public Builder stages(List<Stage> s) {
      this.stages = List.copyOf(s);
      return this;
    }

    public Builder initialDesign(int n) {
      this.initialDesign = n;
      return this;
    }

    /** Every n-th BO trial is a random point within the budget (default 4; 0: pure BO). */
    public Builder exploreEvery(int n) {
      this.exploreEvery = n;
      return this;
    }

    /**
     * Every n-th BO trial of a Lagrangian search with an analytic budget minimizes L itself under
     * the exact budget (default {@value #DEFAULT_BOUNDARY_EVERY}; 0: never).
     */
    public Builder boundaryEvery(int n) {
      this.boundaryEvery = n;
      return this;
    }

    /**
     * Layers whose strongest compression saves less than this fraction of the budget's cost are
     * left dense (default 0.01; 0 searches every layer).
     */
    public Builder minSaving(double f) {
      this.minSaving = f;
      return this;
    }

    public Builder trialsPerLambda(int n) {
      this.trialsPerLambda = n;
      return this;
    }

    /** Seed the initial design with the one-shot allocators' plans (default true). */
    public Builder allocatorStart(boolean b) {
      this.allocatorStart = b;
      return this;
    }

    public Builder uniformStart(boolean b) {
      this.uniformStart = b;
      return this;
    }

    public Builder maxPruneFraction(double f) {
      this.maxPruneFraction = f;
      return this;
    }

    /** How images become inputs ({@link Preprocessing#NONE}: everything from the model input). */
    public Builder preprocess(Preprocessing p) {
      this.preprocess = p == null ? Preprocessing.NONE : p;
      return this;
    }

    /** The preprocessing set so far (the run file's, before command-line options override it). */
    public Preprocessing preprocess() {
      return preprocess;
    }

    /** q, the trials proposed together as one batch (default 1). */
    public Builder parallel(int q) {
      this.parallel = q;
      return this;
    }

    /** q as set so far (the run file's, before command-line options override it). */
    public int parallel() {
      return parallel;
    }

    public Builder latency(int batch, int warmup, int runs) {
      this.latencyBatch = batch;
      this.latencyWarmup = warmup;
      this.latencyRuns = runs;
      return this;
    }

    /**
     * @throws TuneConfigException naming the setting at fault
     */
    public RunConfig build() {
      if (trials < 1) {
        throw new TuneConfigException("--trials must be >= 1, got " + trials);
      }
      if (samples < 1) {
        throw new TuneConfigException("--samples must be >= 1, got " + samples);
      }
      if (initialDesign < 0 || trialsPerLambda < 0 || exploreEvery < 0 || boundaryEvery < 0) {
        throw new TuneConfigException(
            "initial_design, trials_per_lambda, explore_every and boundary_every must be >= 0");
      }
      if (!(coolingEta >= 0) || Double.isInfinite(coolingEta)) {
        throw new TuneConfigException("cooling_eta must be 0 (scaled to the trials) or a positive"
            + " rate, got " + coolingEta);
      }
      if (!(minSaving >= 0 && minSaving < 1)) {
        throw new TuneConfigException("min_saving must lie in [0, 1), got " + minSaving);
      }
      if (!(maxPruneFraction > 0 && maxPruneFraction <= 1)) {
        throw new TuneConfigException("max_prune_fraction must lie in (0, 1], got "
            + maxPruneFraction);
      }
      if (parallel < 1 || parallel > MAX_PARALLEL) {
        throw new TuneConfigException("--parallel must lie in [1, " + MAX_PARALLEL + "], got "
            + parallel);
      }
      if (latencyBatch < 1 || latencyRuns < 1 || latencyWarmup < 0) {
        throw new TuneConfigException("latency needs batch >= 1, runs >= 1 and warmup >= 0");
      }
      if (distance == DistanceObjective.Divergence.KL) {
        DistanceObjective.kl(temperature);
      }
      for (String g : exclude) {
        LayerPattern.of(g);
      }
      for (Map.Entry<String, Double> e : freeze.entrySet()) {
        LayerPattern.of(e.getKey());
        if (e.getValue() == null || !Double.isFinite(e.getValue())) {
          throw new TuneConfigException("--freeze " + e.getKey() + ": needs a finite value");
        }
      }
      java.util.Set<String> names = new java.util.HashSet<>();
      boolean quantizes = method == MethodChoice.QUANTIZE;
      for (Stage s : stages) {
        if (!names.add(s.name())) {
          throw new TuneConfigException("two stages are named '" + s.name() + "'");
        }
        quantizes |= s.method() == MethodChoice.QUANTIZE;
      }
      for (int w : bits) {
        if (!io.bocomp.model.QuantizedTensor.isBitWidth(w)) {
          throw new TuneConfigException("--bits: unsupported bit width " + w + " (bocomp"
              + " quantizes weights to 2, 3, 4, 5, 6 or 8 bits)");
        }
      }
      if (bits.isEmpty() && quantizes) {
        // the widths of distinct storage (int2, int4, int8): 3, 5 and 6 bits cost as much as
        // 4 and 8 in the file, with more error, so a search spends no trials on them by default
        bits = List.of(2, 4, 8);
      }
      if (quantGroup != 0 && !io.bocomp.compress.WeightQuantizer.isGroupSize(quantGroup)) {
        throw new TuneConfigException("--quant-group must be 32, 64 or 128 (or 0 for one scale"
            + " per output channel), got " + quantGroup);
      }
      if (quantGroup != 0 && bits.isEmpty()) {
        throw new TuneConfigException("--quant-group needs --bits (or --method quantize)");
      }
      return new RunConfig(this);
    }
  }
}

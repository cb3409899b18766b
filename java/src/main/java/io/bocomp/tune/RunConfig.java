package io.bocomp.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.data.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything that decides what a tuning run computes (and so goes into the journal's
 * fingerprint): budget, method, parametrization, search mode, trials, samples, seed, objective,
 * layer selection and stages. Built from defaults, then a JSON run file ({@link #readRunFile}),
 * then command-line options, each overriding the one before.
 *
 * <p>Run file (JSON; every field optional, unknown fields are errors):
 *
 * <pre>
 * {"budget": {"metric": "params" | "macs" | "bytes" | "latency_ms", "max": 0.25},
 *  "method": "auto" | "svd" | "tucker" | "prune" | "quantize", "parameter": "rank" | "energy",
 *  "bits": [2, 3, 4, 5, 6, 8], "quant_group": 0,
 *  "mode": "lagrangian" | "constrained", "cooling": "exp" | "linear" | "none",
 *  "trials": 100, "samples": 50, "seed": 0,
 *  "distance": "squared" | "kl", "temperature": 4.0,
 *  "exclude": ["GLOB", ...], "freeze": {"GLOB": 0.5, ...}, "groups": [["GLOB", ...], ...],
 *  "initial_design": 0, "trials_per_lambda": 0, "explore_every": 4, "min_saving": 0.01,
 *  "uniform_start": true, "allocator_start": true, "parallel": 1,
 *  "max_prune_fraction": 0.99, "latency": {"batch": 1, "warmup": 3, "runs": 11},
 *  "preprocess": {"resize": 256, "crop": [224, 224], "mean": [0.485, 0.456, 0.406], ...},
 *  "stages": [{"name": "conv", "layers": ["GLOB", ...], "trials": 60,
 *              "budget": {"metric": "macs", "max": 0.5}, "method": "tucker",
 *              "hook": "python finetune.py"}, ...]}
 * </pre>
 *
 * ({@code initial_design} and {@code trials_per_lambda} 0 mean automatic; {@code explore_every} 0
 * is pure BO; {@code min_saving} 0 searches every compressible layer; {@code preprocess} is
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

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The largest q (one BO batch of 256 Kriging-believer points is already far past useful). */
  public static final int MAX_PARALLEL = 256;
  private static final Set<String> FIELDS = Set.of("budget", "method", "parameter", "mode",
      "cooling", "trials", "samples", "seed", "distance", "temperature", "exclude", "freeze",
      "groups", "initial_design", "trials_per_lambda", "explore_every", "min_saving", "uniform_start",
      "allocator_start", "max_prune_fraction",
      "latency", "stages", "preprocess", "bits", "quant_group", "parallel");

  public final Budget budget;
  public final MethodChoice method;
  public final Parametrization parametrization;
  public final Mode mode;
  public final String cooling;
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
    ObjectNode o = JSON.createObjectNode();
    o.set("budget", budgetJson(budget));
    o.put("method", method.json());
    o.put("parameter", parametrization.json());
    o.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
    o.put("cooling", cooling);
    o.put("trials", trials);
    o.put("samples", samples);
    o.put("seed", seed);
    o.put("distance", distance.json());
    o.put("temperature", temperature);
    ArrayNode ex = o.putArray("exclude");
    exclude.forEach(ex::add);
    ObjectNode fr = o.putObject("freeze");
    freeze.forEach(fr::put);
    ArrayNode gr = o.putArray("groups");
    for (List<String> g : groups) {
      ArrayNode a = gr.addArray();
      g.forEach(a::add);
    }
    o.put("initial_design", initialDesign);
    o.put("trials_per_lambda", trialsPerLambda);
    o.put("explore_every", exploreEvery);
    o.put("min_saving", minSaving);
    o.put("uniform_start", uniformStart);
    o.put("allocator_start", allocatorStart);
    o.put("max_prune_fraction", maxPruneFraction);
    ObjectNode lat = o.putObject("latency");
    lat.put("batch", latencyBatch);
    lat.put("warmup", latencyWarmup);
    lat.put("runs", latencyRuns);
    if (!preprocess.isEmpty()) {
      o.set("preprocess", preprocess.toJson());
    }
    if (!bits.isEmpty()) {
      ArrayNode bi = o.putArray("bits");
      bits.forEach(bi::add);
    }
    if (quantGroup != 0) {
      o.put("quant_group", quantGroup);
    }
    if (parallel != 1) {
      o.put("parallel", parallel);
    }
    ArrayNode st = o.putArray("stages");
    for (Stage s : stages) {
      ObjectNode so = st.addObject();
      so.put("name", s.name());
      ArrayNode l = so.putArray("layers");
      s.layers().forEach(l::add);
      so.put("trials", s.trials());
      if (s.budget() != null) {
        so.set("budget", budgetJson(s.budget()));
      }
      if (s.method() != null) {
        so.put("method", s.method().json());
      }
      if (s.hook() != null) {
        so.put("hook", s.hook());
      }
    }
    return o;
  }

  private static ObjectNode budgetJson(Budget b) {
    ObjectNode o = JSON.createObjectNode();
    o.put("metric", b.metric().json());
    o.put("max", b.limit());
    return o;
  }

  /**
   * Reads a run file into {@code b} (fields present in the file override the builder's).
   *
   * @throws TuneConfigException naming the file and the field at fault
   */
  public static void readRunFile(Path file, Builder b) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new TuneConfigException(file + ": no such run file");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new TuneConfigException(file + ": not valid JSON (" + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + ")");
    } catch (IOException e) {
      throw new TuneConfigException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    new RunFileReader(file.toString()).read(root, b);
  }

  /** Parses run-file JSON into a builder; every error names the source and the field. */
  private record RunFileReader(String src) {
    void read(JsonNode root, Builder b) {
      if (root == null || !root.isObject()) {
        throw err("", "a run file is a JSON object");
      }
      for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
        String f = it.next();
        if (!FIELDS.contains(f)) {
          throw err(f, "unknown field (expected one of " + new java.util.TreeSet<>(FIELDS) + ")");
        }
      }
      if (root.has("budget")) {
        b.budget(budget(root.get("budget"), "budget"));
      }
      if (root.has("method")) {
        b.method(method(root.get("method"), "method"));
      }
      if (root.has("parameter")) {
        Parametrization p = Parametrization.fromJson(text(root, "parameter"));
        if (p == null || p == Parametrization.PRUNE) {
          throw err("parameter", "must be \"rank\" or \"energy\"");
        }
        b.parametrization(p);
      }
      if (root.has("mode")) {
        b.mode(mode(text(root, "mode"), src + ": \"mode\""));
      }
      if (root.has("cooling")) {
        b.cooling(cooling(text(root, "cooling"), src + ": \"cooling\""));
      }
      if (root.has("trials")) {
        b.trials(integer(root, "trials"));
      }
      if (root.has("samples")) {
        b.samples(integer(root, "samples"));
      }
      if (root.has("seed")) {
        b.seed(integer(root, "seed"));
      }
      if (root.has("distance")) {
        DistanceObjective.Divergence d = DistanceObjective.Divergence.fromJson(text(root, "distance"));
        if (d == null) {
          throw err("distance", "must be \"squared\" or \"kl\"");
        }
        b.distance(d);
      }
      if (root.has("temperature")) {
        b.temperature(number(root, "temperature"));
      }
      if (root.has("exclude")) {
        b.exclude(strings(root.get("exclude"), "exclude"));
      }
      if (root.has("freeze")) {
        JsonNode fr = root.get("freeze");
        if (!fr.isObject()) {
          throw err("freeze", "must be an object {\"GLOB\": value}");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = fr.fields(); it.hasNext();) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!e.getValue().isNumber()) {
            throw err("freeze." + e.getKey(), "must be a number");
          }
          m.put(e.getKey(), e.getValue().asDouble());
        }
        b.freeze(m);
      }
      if (root.has("groups")) {
        JsonNode g = root.get("groups");
        if (!g.isArray()) {
          throw err("groups", "must be an array of arrays of patterns");
        }
        List<List<String>> groups = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
          groups.add(strings(g.get(i), "groups[" + i + "]"));
        }
        b.groups(groups);
      }
      if (root.has("initial_design")) {
        b.initialDesign(integer(root, "initial_design"));
      }
      if (root.has("trials_per_lambda")) {
        b.trialsPerLambda(integer(root, "trials_per_lambda"));
      }
      if (root.has("explore_every")) {
        b.exploreEvery(integer(root, "explore_every"));
      }
      if (root.has("min_saving")) {
        b.minSaving(number(root, "min_saving"));
      }
      if (root.has("uniform_start")) {
        if (!root.get("uniform_start").isBoolean()) {
          throw err("uniform_start", "must be true or false");
        }
        b.uniformStart(root.get("uniform_start").asBoolean());
      }
      if (root.has("allocator_start")) {
        if (!root.get("allocator_start").isBoolean()) {
          throw err("allocator_start", "must be true or false");
        }
        b.allocatorStart(root.get("allocator_start").asBoolean());
      }
      if (root.has("max_prune_fraction")) {
        b.maxPruneFraction(number(root, "max_prune_fraction"));
      }
      if (root.has("latency")) {
        JsonNode l = root.get("latency");
        if (!l.isObject()) {
          throw err("latency", "must be an object {\"batch\", \"warmup\", \"runs\"}");
        }
        onlyFields(l, "latency", Set.of("batch", "warmup", "runs"));
        b.latency(l.has("batch") ? integer(l, "batch") : b.latencyBatch,
            l.has("warmup") ? integer(l, "warmup") : b.latencyWarmup,
            l.has("runs") ? integer(l, "runs") : b.latencyRuns);
      }
      if (root.has("parallel")) {
        b.parallel(integer(root, "parallel"));
      }
      if (root.has("preprocess")) {
        b.preprocess(Preprocessing.fromJson(root.get("preprocess"), src + ": \"preprocess\""));
      }
      if (root.has("bits")) {
        JsonNode bi = root.get("bits");
        if (!bi.isArray()) {
          throw err("bits", "must be an array of bit widths, e.g. [2, 4, 8]");
        }
        List<Integer> widths = new ArrayList<>();
        for (JsonNode v : bi) {
          if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw err("bits", "must hold integers, got " + v);
          }
          widths.add(v.asInt());
        }
        b.bits(widths);
      }
      if (root.has("quant_group")) {
        b.quantGroup(integer(root, "quant_group"));
      }
      if (root.has("stages")) {
        JsonNode st = root.get("stages");
        if (!st.isArray() || st.isEmpty()) {
          throw err("stages", "must be a non-empty array of stage objects");
        }
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < st.size(); i++) {
          stages.add(stage(st.get(i), "stages[" + i + "]"));
        }
        b.stages(stages);
      }
    }

    private Stage stage(JsonNode s, String at) {
      if (!s.isObject()) {
        throw err(at, "must be an object");
      }
      onlyFields(s, at, Set.of("name", "layers", "trials", "budget", "method", "hook"));
      String name = s.has("name") ? text(s, "name") : at;
      List<String> layers = s.has("layers") ? strings(s.get("layers"), at + ".layers") : List.of();
      int trials = s.has("trials") ? integer(s, "trials") : 0;
      if (trials < 0) {
        throw err(at + ".trials", "must be >= 0");
      }
      Budget budget = s.has("budget") ? budget(s.get("budget"), at + ".budget") : null;
      MethodChoice method = s.has("method") ? method(s.get("method"), at + ".method") : null;
      String hook = s.has("hook") ? text(s, "hook") : null;
      return new Stage(name, layers, trials, budget, method, hook);
    }

    /** Throws naming the first field of object {@code n} that is not in {@code allowed}. */
    private void onlyFields(JsonNode n, String at, Set<String> allowed) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
        String f = it.next();
        if (!allowed.contains(f)) {
          throw err(at + "." + f, "unknown field (expected one of " + new java.util.TreeSet<>(allowed)
              + ")");
        }
      }
    }

    private Budget budget(JsonNode n, String at) {
      if (!n.isObject() || !n.has("metric") || !n.has("max")) {
        throw err(at, "must be {\"metric\": \"params\"|\"macs\"|\"bytes\"|\"latency_ms\", \"max\": X}");
      }
      onlyFields(n, at, Set.of("metric", "max"));
      CostMetric m = CostMetric.fromJson(n.get("metric").asText());
      if (m == null) {
        throw err(at + ".metric", "must be params, macs, bytes or latency_ms");
      }
      if (!n.get("max").isNumber()) {
        throw err(at + ".max", "must be a number");
      }
      return new Budget(m, n.get("max").asDouble());
    }

    private MethodChoice method(JsonNode n, String at) {
      MethodChoice m = n.isTextual() ? MethodChoice.fromJson(n.asText()) : null;
      if (m == null) {
        throw err(at, "must be auto, svd, tucker, prune or quantize");
      }
      return m;
    }

    private String text(JsonNode o, String f) {
      JsonNode v = o.get(f);
      if (!v.isTextual()) {
        throw err(f, "must be a string");
      }
      return v.asText();
    }

    private int integer(JsonNode o, String f) {
      JsonNode v = o.get(f);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw err(f, "must be an integer, got " + v);
      }
      return v.asInt();
    }

    private double number(JsonNode o, String f) {
      JsonNode v = o.get(f);
      if (!v.isNumber()) {
        throw err(f, "must be a number, got " + v);
      }
      return v.asDouble();
    }

    private List<String> strings(JsonNode n, String at) {
      if (!n.isArray()) {
        throw err(at, "must be an array of layer patterns");
      }
      List<String> out = new ArrayList<>();
      for (JsonNode e : n) {
        if (!e.isTextual() || e.asText().isBlank()) {
          throw err(at, "must hold non-empty strings, got " + e);
        }
        out.add(e.asText());
      }
      return out;
    }

    private TuneConfigException err(String field, String what) {
      return new TuneConfigException(src + (field.isEmpty() ? "" : ": \"" + field + "\"") + ": "
          + what);
    }
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
    private Parametrization parametrization = Parametrization.RANK;
    private Mode mode = Mode.LAGRANGIAN;
    private String cooling = "exp";
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
    private double minSaving = 0.01;
    private boolean uniformStart = true;
    private boolean allocatorStart = true;
    private double maxPruneFraction = 0.99;
    private int latencyBatch = 1;
    private int latencyWarmup = 3;
    private int latencyRuns = 11;
    private Preprocessing preprocess = Preprocessing.NONE;
    private int parallel = 1;
    private List<Integer> bits = List.of();
    private int quantGroup;

    /** Weight bit widths to search (each of 2, 3, 4, 5, 6, 8; empty: float weights). */
    public Builder bits(List<Integer> widths) {
      this.bits = List.copyOf(widths);
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
      if (initialDesign < 0 || trialsPerLambda < 0 || exploreEvery < 0) {
        throw new TuneConfigException(
            "initial_design, trials_per_lambda and explore_every must be >= 0");
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
      java.util.TreeSet<Integer> widths = new java.util.TreeSet<>();
      for (int w : bits) {
        if (!io.bocomp.model.QuantizedTensor.isBitWidth(w)) {
          throw new TuneConfigException("--bits: unsupported bit width " + w + " (bocomp"
              + " quantizes weights to 2, 3, 4, 5, 6 or 8 bits)");
        }
        widths.add(w);
      }
      if (widths.isEmpty() && quantizes) {
        // the widths of distinct storage (int2, int4, int8): 3, 5 and 6 bits cost as much as
        // 4 and 8 in the file, with more error, so a search spends no trials on them by default
        widths.addAll(List.of(2, 4, 8));
      }
      bits = List.copyOf(widths);
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

package io.bocomp.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.data.Preprocessing;
import io.bocomp.tune.RunConfig.Builder;
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
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.IntConsumer;

/**
 * Reads a JSON run file (the format {@link RunConfig} documents) into a {@link RunConfig.Builder}:
 * each field present overrides the builder's setting; the builder's {@code build()} then checks
 * the values against each other. Algorithm: one pass over the fields with a typed check per field
 * (strings, integers, numbers, booleans, pattern lists, nested budget, latency and stage objects).
 * Limits: unknown fields, at the top level and inside nested objects, are errors; every error is a
 * {@link TuneConfigException} naming the file and the field.
 */
final class RunFileParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("budget", "method", "parameter", "mode",
      "cooling", "trials", "samples", "seed", "distance", "temperature", "exclude", "freeze",
      "groups", "initial_design", "trials_per_lambda", "explore_every", "boundary_every", "min_saving", "uniform_start",
      "allocator_start", "max_prune_fraction",
      "latency", "stages", "preprocess", "bits", "quant_group", "parallel",
      "cooling_eta", "noise");

  private RunFileParser() {}

  /**
   * Reads a run file into {@code b} (fields present in the file override the builder's).
   *
   * @throws TuneConfigException naming the file and the field at fault
   */
  static void read(Path file, Builder b) {
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
          throw err("parameter", "must be \"rank\", \"logrank\" or \"energy\"");
        }
        b.parametrization(p);
      }
      if (root.has("mode")) {
        b.mode(RunConfig.mode(text(root, "mode"), src + ": \"mode\""));
      }
      if (root.has("cooling")) {
        b.cooling(RunConfig.cooling(text(root, "cooling"), src + ": \"cooling\""));
      }
      if (root.has("noise")) {
        ObjectiveNoise n = ObjectiveNoise.fromJson(text(root, "noise"));
        if (n == null) {
          throw err("noise", "must be \"stderr\" or \"fixed\"");
        }
        b.noise(n);
      }
      number(root, "cooling_eta", b::coolingEta);
      integer(root, "trials", b::trials);
      integer(root, "samples", b::samples);
      integer(root, "seed", b::seed);
      if (root.has("distance")) {
        DistanceObjective.Divergence d = DistanceObjective.Divergence.fromJson(text(root, "distance"));
        if (d == null) {
          throw err("distance", "must be \"squared\" or \"kl\"");
        }
        b.distance(d);
      }
      number(root, "temperature", b::temperature);
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
      integer(root, "initial_design", b::initialDesign);
      integer(root, "trials_per_lambda", b::trialsPerLambda);
      integer(root, "explore_every", b::exploreEvery);
      integer(root, "boundary_every", b::boundaryEvery);
      number(root, "min_saving", b::minSaving);
      bool(root, "uniform_start", b::uniformStart);
      bool(root, "allocator_start", b::allocatorStart);
      number(root, "max_prune_fraction", b::maxPruneFraction);
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
      integer(root, "parallel", b::parallel);
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
      integer(root, "quant_group", b::quantGroup);
      if (root.has("stages")) {
        JsonNode st = root.get("stages");
        if (!st.isArray() || st.isEmpty()) {
          throw err("stages", "must be a non-empty array of stage objects");
        }
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < st.size(); i++) {
          stages.add(stage(st.get(i), "stages[" + i + "]"));
        }
        if (stages.get(stages.size() - 1).hook() != null) {
          // a hook runs between stages; after the last one the result is written instead
          throw err("stages[" + (stages.size() - 1) + "].hook", "the last stage's hook would never"
              + " run (a hook feeds the next stage); fine-tune the result with --finetune-epochs"
              + " or bocomp finetune");
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

    /** Passes integer field {@code f} of {@code o} to {@code set} when {@code o} has it. */
    private void integer(JsonNode o, String f, IntConsumer set) {
      if (o.has(f)) {
        set.accept(integer(o, f));
      }
    }

    /** Passes number field {@code f} of {@code o} to {@code set} when {@code o} has it. */
    private void number(JsonNode o, String f, DoubleConsumer set) {
      if (o.has(f)) {
        set.accept(number(o, f));
      }
    }

    /** Passes boolean field {@code f} of {@code o} to {@code set} when {@code o} has it. */
    private void bool(JsonNode o, String f, Consumer<Boolean> set) {
      if (o.has(f)) {
        if (!o.get(f).isBoolean()) {
          throw err(f, "must be true or false");
        }
        set.accept(o.get(f).asBoolean());
      }
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
}

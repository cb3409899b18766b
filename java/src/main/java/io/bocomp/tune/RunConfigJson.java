package io.bocomp.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Writes a {@link RunConfig} as run-file JSON, the form that goes into the journal's fingerprint
 * and {@code result.json}: every field present, except {@code preprocess}, {@code bits},
 * {@code quant_group}, {@code parallel}, {@code cooling_eta} and {@code noise}, which are left out at their defaults so that journals
 * written before they existed still resume. {@link RunFileParser} reads this form back. Limits:
 * the field order is fixed here and is part of the fingerprint; changing it changes every run's
 * fingerprint.
 */
final class RunConfigJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunConfigJson() {}

  /** {@code c} as JSON (the run-file format, all fields present). */
  static ObjectNode write(RunConfig c) {
    ObjectNode o = JSON.createObjectNode();
    o.set("budget", budgetJson(c.budget));
    o.put("method", c.method.json());
    o.put("parameter", c.parametrization.json());
    o.put("mode", c.mode.name().toLowerCase(java.util.Locale.ROOT));
    o.put("cooling", c.cooling);
    o.put("trials", c.trials);
    o.put("samples", c.samples);
    o.put("seed", c.seed);
    o.put("distance", c.distance.json());
    o.put("temperature", c.temperature);
    ArrayNode ex = o.putArray("exclude");
    c.exclude.forEach(ex::add);
    ObjectNode fr = o.putObject("freeze");
    c.freeze.forEach(fr::put);
    ArrayNode gr = o.putArray("groups");
    for (List<String> g : c.groups) {
      ArrayNode a = gr.addArray();
      g.forEach(a::add);
    }
    o.put("initial_design", c.initialDesign);
    o.put("trials_per_lambda", c.trialsPerLambda);
    o.put("explore_every", c.exploreEvery);
    o.put("boundary_every", c.boundaryEvery);
    o.put("min_saving", c.minSaving);
    o.put("uniform_start", c.uniformStart);
    o.put("allocator_start", c.allocatorStart);
    o.put("max_prune_fraction", c.maxPruneFraction);
    ObjectNode lat = o.putObject("latency");
    lat.put("batch", c.latencyBatch);
    lat.put("warmup", c.latencyWarmup);
    lat.put("runs", c.latencyRuns);
    if (!c.preprocess.isEmpty()) {
      o.set("preprocess", c.preprocess.toJson());
    }
    if (!c.bits.isEmpty()) {
      ArrayNode bi = o.putArray("bits");
      c.bits.forEach(bi::add);
    }
    if (c.quantGroup != 0) {
      o.put("quant_group", c.quantGroup);
    }
    if (c.parallel != 1) {
      o.put("parallel", c.parallel);
    }
    if (c.noise != RunConfig.DEFAULT_NOISE) {
      o.put("noise", c.noise.json());
    }
    if (c.coolingEta != RunConfig.DEFAULT_COOLING_ETA) {
      o.put("cooling_eta", c.coolingEta);
    }
    ArrayNode st = o.putArray("stages");
    for (Stage s : c.stages) {
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
}

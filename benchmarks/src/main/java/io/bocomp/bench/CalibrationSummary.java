package io.bocomp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary of {@link CertificateCalibration}'s runs: stated probabilities binned against the
 * observed frequency of their event, with binomial standard errors and Brier scores.
 */
final class CalibrationSummary {
  /** The bins of a run's probability. */
  static final double[] BINS = {0, 0.5, 0.8, 0.95, 1.0000001};
  /** The bins of the pairwise probabilities of NOT being beaten (most are near 1). */
  static final double[] PAIR_BINS = {0, 0.5, 0.8, 0.95, 0.99, 0.9999, 1.0000001};

  private static final ObjectMapper JSON = new ObjectMapper();

  private CalibrationSummary() {}

  /**
   * The calibration tables: for the stated P, the union bound and the paired P, runs binned by
   * the probability with observed frequency and Brier score, over all runs and over the runs whose
   * held-out outcome is decided (the deciding comparison at least 2 paired standard errors from
   * the ε line); the certificate's pairwise probabilities against each scored competitor's
   * held-out outcome; and per cell the mean probabilities and the event count.
   */
  static ObjectNode of(List<ObjectNode> runs) {
    ObjectNode s = JSON.createObjectNode();
    s.put("runs", runs.size());
    List<ObjectNode> decided = new ArrayList<>();
    int events = 0;
    for (ObjectNode r : runs) {
      events += r.path("event").asBoolean() ? 1 : 0;
      if (!r.has("decisive") || Math.abs(r.path("decisive").path("margin_z").asDouble()) >= 2) {
        decided.add(r);
      }
    }
    s.put("events", events);
    s.put("decisive_within_2_paired_se", runs.size() - decided.size());
    for (String field : List.of("stated_p", "independent_p", "union_bound", "paired_p")) {
      if (runs.isEmpty() || !runs.get(0).has(field)) {
        continue; // independent_p: runs of a bocomp with the paired certificate
      }
      s.set(field, calibration(outcomes(runs, field), BINS));
      s.set(field + "_decided", calibration(outcomes(decided, field), BINS));
    }
    List<double[]> pairs = new ArrayList<>();
    for (ObjectNode r : runs) {
      double lb = r.path("returned").path("heldout_l").asDouble();
      for (JsonNode c : r.path("scored_competitors")) {
        // the pairwise probability is of BEATING the returned plan: its complement is the event
        pairs.add(new double[] {1 - c.path("pairwise").asDouble(),
            c.path("heldout_l").asDouble() < (1 - CertificateCalibration.EPSILON) * lb ? 0 : 1});
      }
    }
    s.set("pairwise_not_beaten", calibration(pairs, PAIR_BINS));
    ObjectNode cells = s.putObject("cells");
    for (ObjectNode r : runs) {
      ObjectNode c = cells.has(r.path("cell").asText()) ? (ObjectNode) cells.get(r.path("cell")
          .asText()) : cells.putObject(r.path("cell").asText());
      c.put("runs", c.path("runs").asInt() + 1);
      c.put("events", c.path("events").asInt() + (r.path("event").asBoolean() ? 1 : 0));
      c.put("sum_stated_p", c.path("sum_stated_p").asDouble() + r.path("stated_p").asDouble());
      c.put("sum_paired_p", c.path("sum_paired_p").asDouble() + r.path("paired_p").asDouble());
    }
    return s;
  }

  /** {probability, 1 if the event happened} per run. */
  private static List<double[]> outcomes(List<ObjectNode> runs, String field) {
    List<double[]> v = new ArrayList<>();
    for (ObjectNode r : runs) {
      v.add(new double[] {r.path(field).asDouble(), r.path("event").asBoolean() ? 1 : 0});
    }
    return v;
  }

  /** Bins of the probability: count, mean, observed frequency, its standard errors; Brier. */
  static ObjectNode calibration(List<double[]> outcomes, double[] edges) {
    ObjectNode f = JSON.createObjectNode();
    double brier = 0;
    for (double[] o : outcomes) {
      brier += (o[0] - o[1]) * (o[0] - o[1]);
    }
    f.put("n", outcomes.size());
    f.put("brier", outcomes.isEmpty() ? Double.NaN : brier / outcomes.size());
    ArrayNode bins = f.putArray("bins");
    for (int b = 0; b + 1 < edges.length; b++) {
      int n = 0;
      int hit = 0;
      double sumP = 0;
      double varSum = 0;
      for (double[] o : outcomes) {
        if (o[0] >= edges[b] && o[0] < edges[b + 1]) {
          n++;
          hit += (int) o[1];
          sumP += o[0];
          varSum += o[0] * (1 - o[0]);
        }
      }
      ObjectNode o = bins.addObject();
      o.put("from", edges[b]);
      o.put("to", Math.min(1, edges[b + 1]));
      o.put("count", n);
      o.put("events", hit);
      if (n > 0) {
        double fr = (double) hit / n;
        o.put("mean_p", sumP / n);
        o.put("observed", fr);
        o.put("observed_se", Math.sqrt(fr * (1 - fr) / n));
        o.put("se_if_calibrated", Math.sqrt(varSum) / n);
      }
    }
    return f;
  }

  static void print(JsonNode s) {
    System.out.printf(Locale.ROOT, "%d runs, %d events; decisive held-out comparison within 2"
        + " paired SE in %d%n", s.path("runs").asInt(), s.path("events").asInt(),
        s.path("decisive_within_2_paired_se").asInt());
    for (String field : List.of("stated_p", "independent_p", "union_bound", "paired_p",
        "stated_p_decided", "independent_p_decided", "union_bound_decided", "paired_p_decided",
        "pairwise_not_beaten")) {
      if (!s.has(field)) {
        continue;
      }
      System.out.printf(Locale.ROOT, "%s: n %d, Brier %.4f%n", field, s.path(field).path("n")
          .asInt(), s.path(field).path("brier").asDouble());
      for (JsonNode b : s.path(field).path("bins")) {
        System.out.printf(Locale.ROOT, "  [%.4f, %.4f) n %3d  mean P %.3f  observed %.3f ± %.3f"
            + " (± %.3f if calibrated)%n", b.path("from").asDouble(), b.path("to").asDouble(),
            b.path("count").asInt(), b.path("mean_p").asDouble(Double.NaN),
            b.path("observed").asDouble(Double.NaN), b.path("observed_se").asDouble(Double.NaN),
            b.path("se_if_calibrated").asDouble(Double.NaN));
      }
    }
    s.path("cells").fields().forEachRemaining(e -> System.out.printf(Locale.ROOT,
        "%-36s runs %2d  mean P %.3f  mean paired P %.3f  events %d%n", e.getKey(),
        e.getValue().path("runs").asInt(), e.getValue().path("sum_stated_p").asDouble()
            / e.getValue().path("runs").asInt(), e.getValue().path("sum_paired_p").asDouble()
            / e.getValue().path("runs").asInt(), e.getValue().path("events").asInt()));
  }
}

package io.bocomp.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.AtomicFiles;
import io.bocomp.tune.alloc.AllocationProblem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * The outputs of {@link Comparison}: {@code compare.json} (settings, the tuning samples' and the
 * held-out rows' indices and SHA-256, the original model's figures, one row per scored plan, one
 * summary per method: held-out L mean, standard deviation over runs, median, min, max) and {@code
 * compare.html}, rendered from the JSON alone: a summary table, the per-plan table and two inline
 * SVG charts ({@link SvgPlot}) of held-out L against the budget's cost and against the measured
 * latency. Both files are written atomically ({@link AtomicFiles}).
 */
final class ComparisonReport {
  static final String JSON_FILE = "compare.json";
  static final String HTML_FILE = "compare.html";
  private static final String[] COLORS = {"#999999", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b",
      "#ff7f0e", "#d62728", "#e377c2"};

  private final ObjectNode json = Journal.JSON.createObjectNode();

  ComparisonReport(Tuner.Inputs inputs, Comparison.Settings settings, List<SampleSet> tuning,
      int[] holdout, String holdoutSha, AllocationProblem problem, double originalLatency,
      double originalTop1, List<Comparison.Row> rows) {
    json.put("bocomp", Tuner.version());
    json.put("created", Instant.now().toString());
    json.put("model", inputs.modelName());
    ResultWriter.data(json, inputs);
    ObjectNode b = json.putObject("budget");
    b.put("metric", settings.budget().metric().json());
    b.put("max", settings.budget().limit());
    json.put("trials", settings.trials());
    json.put("seeds", settings.seeds());
    json.put("samples", settings.samples());
    json.put("objective", Comparison.OBJECTIVE.toString());
    ArrayNode ts = json.putArray("tuning_samples");
    for (int s = 0; s < tuning.size(); s++) {
      ObjectNode o = ts.addObject();
      o.put("seed", s);
      o.put("sha256", tuning.get(s).sha256());
      ArrayNode idx = o.putArray("indices");
      Arrays.stream(tuning.get(s).indices()).forEach(idx::add);
    }
    ObjectNode h = json.putObject("holdout");
    h.put("n", holdout.length);
    h.put("sha256", holdoutSha);
    ArrayNode hi = h.putArray("indices");
    Arrays.stream(holdout).forEach(hi::add);
    ObjectNode o = json.putObject("original");
    PlanCost c = problem.original();
    o.put("params", c.params());
    o.put("macs", c.macs());
    o.put("bytes", c.bytes());
    JournalCodec.putNumber(o, "latency_ms", originalLatency);
    JournalCodec.putNumber(o, "top1", originalTop1);
    json.put("ladder_seconds", problem.ladderSeconds());
    ArrayNode rs = json.putArray("rows");
    Map<String, List<Comparison.Row>> byMethod = new LinkedHashMap<>();
    for (Comparison.Row r : rows) {
      byMethod.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
      ObjectNode n = rs.addObject();
      n.put("method", r.method());
      if (r.seed() == null) {
        n.putNull("seed");
      } else {
        n.put("seed", r.seed());
      }
      n.put("params", r.cost().params());
      n.put("macs", r.cost().macs());
      n.put("bytes", r.cost().bytes());
      n.put("fraction", r.fraction());
      JournalCodec.putNumber(n, "latency_ms", r.cost().latencyMs());
      n.set("holdout", distance(r.holdout()));
      JournalCodec.putNumber(n, "top1", r.top1());
      ArrayNode tu = n.putArray("tuning");
      r.tuning().forEach((seed, dist) -> tu.addObject().put("seed", seed).setAll(distance(dist)));
      n.put("seconds", r.seconds());
      n.put("evaluations", r.evaluations());
      ObjectNode p = n.putObject("parameter");
      p.put("name", r.parameterName());
      JournalCodec.putNumber(p, "value", r.parameter());
      ArrayNode th = n.putArray("theta");
      for (double v : r.theta()) {
        th.add(v);
      }
      n.set("plan", r.plan().toJsonNode());
    }
    ArrayNode sum = json.putArray("summary");
    byMethod.forEach((method, list) -> sum.add(summary(method, list)));
    if (inputs.data().hasLabels()) {
      json.set("spearman", spearman(rows, originalTop1));
    }
  }

  /**
   * Spearman's rank correlation between held-out L and the top-1 drop (original minus the plan's,
   * on the held-out inputs) over every scored plan (allocators, random search, tuner): how well the
   * distance the tuner minimizes orders the plans by accuracy at this budget. Null (JSON) below 3
   * plans or when either column is constant.
   */
  static ObjectNode spearman(List<Comparison.Row> rows, double originalTop1) {
    double[] l = rows.stream().mapToDouble(r -> r.holdout().mean()).toArray();
    double[] drop = rows.stream().mapToDouble(r -> originalTop1 - r.top1()).toArray();
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("of", "held-out L vs top-1 drop");
    o.put("plans", l.length);
    boolean defined = l.length >= 3 && Arrays.stream(l).distinct().count() > 1
        && Arrays.stream(drop).distinct().count() > 1;
    JournalCodec.putNumber(o, "rho", defined
        ? new SpearmansCorrelation().correlation(l, drop) : Double.NaN);
    return o;
  }

  ObjectNode json() {
    return json;
  }

  private static ObjectNode distance(Distance d) {
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("mean", d.mean());
    o.put("stderr", d.stderr());
    o.put("n", d.n());
    return o;
  }

  private static ObjectNode summary(String method, List<Comparison.Row> list) {
    double[] l = list.stream().mapToDouble(r -> r.holdout().mean()).sorted().toArray();
    double mean = Arrays.stream(l).average().orElse(Double.NaN);
    double ss = 0;
    for (double v : l) {
      ss += (v - mean) * (v - mean);
    }
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("method", method);
    o.put("runs", l.length);
    ObjectNode h = o.putObject("holdout");
    h.put("mean", mean);
    JournalCodec.putNumber(h, "sd", l.length > 1 ? Math.sqrt(ss / (l.length - 1)) : Double.NaN);
    h.put("median", l.length % 2 == 1 ? l[l.length / 2] : 0.5 * (l[l.length / 2 - 1]
        + l[l.length / 2]));
    h.put("min", l[0]);
    h.put("max", l[l.length - 1]);
    JournalCodec.putNumber(o, "top1", list.stream().mapToDouble(Comparison.Row::top1).average()
        .orElse(Double.NaN));
    o.put("fraction_max", list.stream().mapToDouble(Comparison.Row::fraction).max().orElse(0));
    double[] lat = list.stream().mapToDouble(r -> r.cost().latencyMs()).sorted().toArray();
    JournalCodec.putNumber(o, "latency_ms_median", lat[lat.length / 2]);
    o.put("seconds_mean", list.stream().mapToDouble(Comparison.Row::seconds).average()
        .orElse(0));
    o.put("evaluations_mean", list.stream().mapToDouble(Comparison.Row::evaluations).average()
        .orElse(0));
    return o;
  }

  /** Writes compare.json and compare.html into {@code dir}, each atomically. */
  static void write(Path dir, ObjectNode report) {
    byte[] j = (report.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(dir.resolve(JSON_FILE), o -> o.write(j));
    byte[] h = html(report).getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(dir.resolve(HTML_FILE), o -> o.write(h));
  }

  /** compare.html from compare.json. */
  static String html(JsonNode r) {
    String metric = r.path("budget").path("metric").asText();
    StringBuilder h = HtmlReport.page("bocomp compare: " + esc(r.path("model").asText()), "");
    h.append(String.format(Locale.ROOT, "<p>Budget %s &le; %s &times; the original; the tuner:"
        + " %d trials &times; %d seed(s), L measured on %d sampled inputs per seed; every plan"
        + " scored on %d held-out inputs (disjoint from all tuning samples) of %s.</p>",
        esc(metric), r.path("budget").path("max").asText(), r.path("trials").asInt(),
        r.path("seeds").asInt(), r.path("samples").asInt(), r.path("holdout").path("n").asInt(),
        esc(r.path("data").path("images").asText())));
    JsonNode orig = r.path("original");
    h.append(String.format(Locale.ROOT, "<p>Original: %d parameters, %d MACs, %.3f ms%s.</p>",
        orig.path("params").asLong(), orig.path("macs").asLong(),
        orig.path("latency_ms").asDouble(Double.NaN), orig.path("top1").isNumber()
            ? String.format(Locale.ROOT, ", top-1 %.2f%% on the held-out inputs",
                100 * orig.path("top1").asDouble()) : ""));
    h.append("<h2>Summary</h2><table><tr><th class=\"l\">method</th><th>runs</th>"
        + "<th>held-out L mean</th><th>sd</th><th>median</th><th>top-1</th><th>")
        .append(esc(metric)).append(" fraction (max)</th><th>latency ms</th><th>seconds</th>"
        + "<th>evaluations</th></tr>");
    for (JsonNode s : r.path("summary")) {
      h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%d</td><td>%.4g</td>"
          + "<td>%s</td><td>%.4g</td><td>%s</td><td>%.4f</td><td>%.3f</td><td>%.2f</td>"
          + "<td>%.0f</td></tr>", esc(s.path("method").asText()), s.path("runs").asInt(),
          s.path("holdout").path("mean").asDouble(), num(s.path("holdout").path("sd"), "%.3g"),
          s.path("holdout").path("median").asDouble(), pct(s.path("top1")),
          s.path("fraction_max").asDouble(), s.path("latency_ms_median").asDouble(Double.NaN),
          s.path("seconds_mean").asDouble(), s.path("evaluations_mean").asDouble()));
    }
    h.append("</table>");
    JsonNode rho = r.path("spearman");
    if (rho.path("rho").isNumber()) {
      h.append(String.format(Locale.ROOT, "<p>Spearman's &rho;(held-out L, top-1 drop) over the"
          + " %d scored plans: %.3f.</p>", rho.path("plans").asInt(), rho.path("rho").asDouble()));
    }
    List<String> methods = new ArrayList<>();
    for (JsonNode s : r.path("summary")) {
      methods.add(s.path("method").asText());
    }
    SvgPlot cost = new SvgPlot("held-out L against cost", metric + " (fraction of the original)",
        "held-out L", true, 900, 380);
    SvgPlot lat = new SvgPlot("held-out L against measured latency", "latency (ms)",
        "held-out L", true, 900, 380);
    for (int m = 0; m < methods.size(); m++) {
      List<double[]> pts = new ArrayList<>();
      for (JsonNode row : r.path("rows")) {
        if (row.path("method").asText().equals(methods.get(m))) {
          pts.add(new double[] {row.path("fraction").asDouble(),
              row.path("latency_ms").asDouble(Double.NaN), row.path("holdout").path("mean")
                  .asDouble()});
        }
      }
      double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
      double[] t = pts.stream().mapToDouble(p -> p[1]).toArray();
      double[] y = pts.stream().mapToDouble(p -> p[2]).toArray();
      String color = COLORS[m % COLORS.length];
      cost.points(methods.get(m), color, x, y, 5);
      lat.points(methods.get(m), color, t, y, 5);
    }
    cost.vline(r.path("budget").path("max").asDouble(), "#d62728", "budget");
    h.append(cost.render()).append(lat.render());
    h.append("<h2>Every plan</h2><table><tr><th class=\"l\">method</th><th>seed</th>"
        + "<th>held-out L &plusmn; se</th><th>tuning L (seed: L)</th><th>top-1</th><th>params"
        + "</th><th>MACs</th><th>fraction</th><th>latency ms</th><th>seconds</th>"
        + "<th>evaluations</th><th class=\"l\">parameter</th></tr>");
    for (JsonNode row : r.path("rows")) {
      StringBuilder tu = new StringBuilder();
      for (JsonNode t : row.path("tuning")) {
        tu.append(tu.length() == 0 ? "" : ", ").append(t.path("seed").asInt()).append(": ")
            .append(String.format(Locale.ROOT, "%.4g", t.path("mean").asDouble()));
      }
      h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%s</td>"
          + "<td>%.4g &plusmn; %.2g</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td>"
          + "<td>%.4f</td><td>%.3f</td><td>%.2f</td><td>%d</td><td class=\"l\">%s %s</td></tr>",
          esc(row.path("method").asText()), row.path("seed").isNull() ? "" : row.path("seed")
              .asText(), row.path("holdout").path("mean").asDouble(), row.path("holdout")
              .path("stderr").asDouble(), tu, pct(row.path("top1")), row.path("params").asLong(),
          row.path("macs").asLong(), row.path("fraction").asDouble(),
          row.path("latency_ms").asDouble(Double.NaN), row.path("seconds").asDouble(),
          row.path("evaluations").asInt(), esc(row.path("parameter").path("name").asText()),
          num(row.path("parameter").path("value"), "%.5g")));
    }
    h.append("</table><p>Latency: median of ").append(Comparison.LATENCY_RUNS)
        .append(" timed passes of a batch of up to ").append(Comparison.LATENCY_BATCH)
        .append(" held-out inputs on the CPU backend, after warm-up (measured: it varies from run"
            + " to run). Tuner runs: <code>tuner-seed-S/</code> (report.html, result.json,"
            + " journal.jsonl, compressed.onnx).</p></body></html>\n");
    return h.toString();
  }

  private static String num(JsonNode v, String fmt) {
    return v.isNumber() ? String.format(Locale.ROOT, fmt, v.asDouble()) : "";
  }

  private static String pct(JsonNode v) {
    return v.isNumber() ? String.format(Locale.ROOT, "%.2f%%", 100 * v.asDouble()) : "";
  }

  private static String esc(String s) {
    return SvgPlot.escape(s);
  }
}

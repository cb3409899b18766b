package io.bocomp.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders {@code report.html} from a run's result.json and journal alone (so {@code bocomp report
 * DIR} re-renders it at any time, also for a stopped run): a summary, the Pareto front of all
 * trials (R vs L), the convergence of the best feasible L and of the Lagrange multiplier (or the
 * constraint bound), the per-layer setting of the best plan, the top configurations and where the
 * time went. Charts are inline SVG ({@link SvgPlot}); the page needs no network.
 */
public final class HtmlReport {
  private static final int TOP = 10;

  private HtmlReport() {}

  /**
   * Re-renders {@code dir/report.html} from {@code dir/journal.jsonl} and {@code dir/result.json},
   * or from the journal alone when the run never wrote a result (killed).
   *
   * @return the file written
   * @throws JournalMismatchException when the journal is missing or unreadable
   */
  public static Path rerender(Path dir) {
    Path journalFile = dir.resolve(Journal.FILE);
    if (!Files.isRegularFile(journalFile)) {
      throw new JournalMismatchException(dir + ": no " + Journal.FILE
          + " (not a bocomp tune run directory)");
    }
    Journal.Contents journal = Journal.read(journalFile);
    Path resultFile = dir.resolve(ResultWriter.RESULT_FILE);
    JsonNode result;
    if (Files.isRegularFile(resultFile)) {
      try {
        result = Journal.JSON.readTree(Files.readString(resultFile));
      } catch (IOException e) {
        throw new JournalMismatchException(resultFile + ": unreadable (" + e.getMessage() + ")");
      }
    } else {
      result = JournalSummary.of(journal);
    }
    Path out = dir.resolve(ResultWriter.REPORT_FILE);
    byte[] html = render(result, journal).getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(out, o -> o.write(html));
    return out;
  }

  /**
   * The start of a report page (report.html, compare.html) through its heading: the style sheet
   * they share, with {@code css} added, and {@code heading} (HTML) as title and h1.
   */
  static StringBuilder page(String heading, String css) {
    return new StringBuilder()
        .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(heading)
        .append("</title><style>")
        .append("body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}")
        .append("table{border-collapse:collapse;margin:8px 0 18px}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}")
        .append("th{background:#f0f0f0}td.l,th.l{text-align:left}").append(css)
        .append("svg{margin:6px 0}</style></head><body>")
        .append("<h1>").append(heading).append("</h1>");
  }

  /** The report of a run directory's result and journal. */
  public static String render(JsonNode result, Journal.Contents journal) {
    List<TrialRecord> trials = new ArrayList<>();
    for (ObjectNode line : journal.lines()) {
      if ("trial".equals(line.path("type").asText())) {
        trials.add(JournalCodec.trial(line));
      }
    }
    double budget = result.path("budget").path("fraction").asDouble(Double.NaN);
    String metric = result.path("budget").path("metric").asText("params");
    StringBuilder h = page("bocomp tune: " + esc(result.path("model").asText()),
        ".warn{color:#a40}");
    if (result.path("partial").asBoolean()) {
      h.append("<p class=\"warn\"><b>Partial run</b>: stopped after ")
          .append(trials.size()).append(" trials; no model was written. Continue it with ")
          .append("<code>bocomp tune --resume DIR</code> and the same options.</p>");
    }
    summary(h, result, metric);
    h.append("<h2>Pareto front (").append(esc(metric)).append(" vs distance)</h2>");
    h.append(pareto(trials, budget, result, metric));
    h.append("<h2>Convergence</h2>");
    h.append(convergence(trials));
    h.append(multiplier(trials));
    h.append("<h2>Best plan per layer</h2>");
    h.append(layers(result));
    h.append("<h2>Top configurations</h2>");
    top(h, trials);
    h.append("<h2>Time per trial</h2>");
    timing(h, result);
    h.append("<p style=\"font-size:12px;color:#666\">bocomp ")
        .append(esc(journal.header().path("bocomp").asText())).append(", run created ")
        .append(esc(journal.header().path("created").asText())).append(", command: <code>")
        .append(esc(journal.header().path("command").asText())).append("</code></p>");
    return h.append("</body></html>\n").toString();
  }

  private static void summary(StringBuilder h, JsonNode r, String metric) {
    h.append("<table>");
    row(h, "budget", r.path("budget").path("metric").asText() + " <= "
        + fmt(r.path("budget").path("max").asDouble())
        + (r.path("budget").path("metric").asText().equals("latency_ms") ? " ms" : " of the original"));
    row(h, "mode / method / parameter", r.path("mode").asText() + " / "
        + r.path("method").asText() + " / " + r.path("parameter").asText());
    if (r.has("distance")) {
      JsonNode d = r.get("distance");
      row(h, "distance L (" + d.path("objective").asText() + ")", fmt(d.path("mean").asDouble())
          + " &plusmn; " + fmt(d.path("stderr").asDouble()) + " over " + d.path("n").asInt()
          + " samples" + (d.has("verified") ? "; compressed.onnx re-loaded: "
              + fmt(d.path("verified").path("mean").asDouble()) : ""));
    }
    for (String m : new String[] {"params", "macs", "bytes", "latency_ms"}) {
      if (r.has(m)) {
        JsonNode c = r.get(m);
        row(h, m, fmt(c.path("original").asDouble()) + " &rarr; "
            + fmt(c.path("compressed").asDouble()) + " (" + pct(c.path("fraction").asDouble())
            + ")");
      }
    }
    if (r.has("top1")) {
      JsonNode t = r.get("top1");
      row(h, "top-1 (" + t.path("n").asInt() + " images)", pct(t.path("original").asDouble())
          + " &rarr; " + pct(t.path("compressed").asDouble()));
    }
    row(h, "trials / networks evaluated / cache hits", r.path("trials").asInt() + " / "
        + r.path("evaluations").asInt() + " / " + r.path("cache_hits").asInt());
    JsonNode c = r.path("certificate");
    if (c.has("probability") && !c.get("probability").isNull()) {
      row(h, "certificate", "P = " + fmt(c.get("probability").asDouble()) + " (union bound "
          + fmt(c.path("union_bound").asDouble()) + ", epsilon " + fmt(c.path("epsilon")
              .asDouble()) + ") that no other of the " + c.path("competitors").asInt()
          + " evaluated feasible plans beats trial " + c.path("trial").asInt()
          + " (the returned plan) by more than epsilon, " + (c.path("paired").asBoolean()
              ? "paired on the run's inputs (" + c.path("remeasured").asInt() + " competitors"
                  + " re-measured per input; independent standard errors: P = "
                  + fmt(c.path("independent").asDouble()) + ")"
              : "by the sample's standard errors"));
    }
    row(h, "objective of the final optimizer", esc(r.path("objective").asText()));
    row(h, "seconds", fmt(r.path("seconds").asDouble()));
    h.append("</table>");
  }

  private static String pareto(List<TrialRecord> trials, double budget, JsonNode result,
      String metric) {
    List<double[]> feas = new ArrayList<>();
    List<double[]> infeas = new ArrayList<>();
    for (TrialRecord t : trials) {
      if (!t.failed()) {
        (t.feasible() ? feas : infeas).add(new double[] {t.r(), t.loss()});
      }
    }
    JsonNode front = result.path("pareto");
    double[] fx = new double[front.size()];
    double[] fy = new double[front.size()];
    for (int i = 0; i < fx.length; i++) {
      fx[i] = front.get(i).path("r").asDouble();
      fy[i] = front.get(i).path("distance").asDouble();
    }
    SvgPlot p = new SvgPlot("every trial; the front is the least L for its cost",
        metric + " (fraction of the original)", "distance L", true, 760, 380);
    p.points("feasible", "#2b6cb0", col(feas, 0), col(feas, 1), 3.2);
    p.points("over budget", "#aaaaaa", col(infeas, 0), col(infeas, 1), 3.2);
    p.line("Pareto front", "#c53030", fx, fy, true);
    JsonNode best = result.path("best");
    if (best.has("r") && result.has("distance")) {
      p.points("best feasible", "#2f855a", new double[] {best.get("r").asDouble()},
          new double[] {result.path("distance").path("mean").asDouble()}, 6.5);
    }
    if (Double.isFinite(budget)) {
      p.vline(budget, "#c53030", "budget");
    }
    return p.render();
  }

  private static String convergence(List<TrialRecord> trials) {
    double[] x = new double[trials.size()];
    double[] y = new double[trials.size()];
    double[] all = new double[trials.size()];
    double best = Double.NaN;
    for (int i = 0; i < trials.size(); i++) {
      TrialRecord t = trials.get(i);
      if (!t.failed() && t.feasible() && !(t.loss() >= best)) {
        best = t.loss();
      }
      x[i] = i + 1;
      y[i] = best;
      all[i] = t.failed() ? Double.NaN : t.loss();
    }
    return new SvgPlot("best feasible L after each trial", "trial", "distance L", true, 760, 300)
        .points("trial's L", "#bbbbbb", x, all, 2.5).line("best feasible", "#2b6cb0", x, y, true)
        .render();
  }

  private static String multiplier(List<TrialRecord> trials) {
    List<double[]> lam = new ArrayList<>();
    List<double[]> kap = new ArrayList<>();
    for (int i = 0; i < trials.size(); i++) {
      TrialRecord t = trials.get(i);
      if (Double.isFinite(t.lambda())) {
        lam.add(new double[] {i + 1, t.lambda()});
      }
      if (Double.isFinite(t.kappa())) {
        kap.add(new double[] {i + 1, t.kappa()});
      }
    }
    if (lam.isEmpty() && kap.isEmpty()) {
      return "<p>No model-based trials yet.</p>";
    }
    if (!lam.isEmpty()) {
      return new SvgPlot("Lagrange multiplier lambda of each BO trial (dual bisection on the cache)",
          "trial", "lambda", true, 760, 260).line("lambda", "#805ad5", col(lam, 0), col(lam, 1),
              true).render();
    }
    return new SvgPlot("constraint bound kappa of each BO trial (cooling schedule)", "trial",
        "kappa", false, 760, 260).line("kappa", "#805ad5", col(kap, 0), col(kap, 1), true)
        .render();
  }

  private static String layers(JsonNode r) {
    JsonNode dims = r.path("dimensions");
    if (dims.isEmpty()) {
      return "<p>No feasible plan yet.</p>";
    }
    List<String> labels = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    double[] v = new double[dims.size()];
    double[] lo = new double[dims.size()];
    double[] hi = new double[dims.size()];
    for (int i = 0; i < dims.size(); i++) {
      JsonNode d = dims.get(i);
      labels.add(d.path("name").asText());
      v[i] = d.path("value").asDouble();
      lo[i] = d.path("lower").asDouble();
      hi[i] = d.path("upper").asDouble();
      notes.add(fmt(v[i]));
    }
    StringBuilder h = new StringBuilder(SvgPlot.bars(r.path("parameter").asText()
        + " fraction of the best plan (band: the searched range)", labels, v, lo, hi, notes));
    h.append("<table><tr><th class=\"l\">layer</th><th class=\"l\">method</th>")
        .append("<th>shape</th><th class=\"l\">note</th></tr>");
    for (JsonNode l : r.path("layers")) {
      String shape = l.has("rank") ? "rank " + l.get("rank").asInt() + " of "
          + l.path("full_rank").asInt()
          : l.has("ranks") ? "ranks [" + l.get("ranks").get(0).asInt() + ", "
              + l.get("ranks").get(1).asInt() + "] of [" + l.path("channels").get(0).asInt() + ", "
              + l.path("channels").get(1).asInt() + "]"
          : l.has("zeroed") ? l.get("zeroed").asLong() + " of " + l.path("weights").asLong()
              + " weights zeroed" : "";
      h.append("<tr><td class=\"l\">").append(esc(l.path("name").asText()))
          .append("</td><td class=\"l\">").append(esc(l.path("method").asText()))
          .append("</td><td>").append(esc(shape)).append("</td><td class=\"l\">")
          .append(esc(l.path("note").asText(""))).append("</td></tr>");
    }
    return h.append("</table>").toString();
  }

  private static void top(StringBuilder h, List<TrialRecord> trials) {
    List<TrialRecord> ok = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (TrialRecord t : trials) {
      if (!t.failed() && t.feasible() && seen.add(t.planKey())) {
        ok.add(t);
      }
    }
    ok.sort((a, b) -> Double.compare(a.loss(), b.loss()));
    h.append("<table><tr><th>#</th><th>stage</th><th>trial</th><th class=\"l\">phase</th>")
        .append("<th>L</th><th>stderr</th><th>R</th><th>params</th><th>MACs</th>")
        .append("<th class=\"l\">theta</th></tr>");
    for (int i = 0; i < Math.min(TOP, ok.size()); i++) {
      TrialRecord t = ok.get(i);
      StringBuilder th = new StringBuilder();
      for (double v : t.theta()) {
        th.append(th.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", v));
      }
      h.append("<tr><td>").append(i + 1).append("</td><td>").append(t.stage() + 1)
          .append("</td><td>").append(t.trial() + 1).append("</td><td class=\"l\">")
          .append(t.phase()).append(t.cached() ? " (cached)" : "").append("</td><td>")
          .append(fmt(t.loss())).append("</td><td>").append(fmt(t.distance().stderr()))
          .append("</td><td>").append(fmt(t.r())).append("</td><td>").append(t.cost().params())
          .append("</td><td>").append(t.cost().macs()).append("</td><td class=\"l\">")
          .append(th).append("</td></tr>");
    }
    h.append("</table>");
    if (ok.isEmpty()) {
      h.append("<p>No feasible trial yet.</p>");
    }
  }

  private static void timing(StringBuilder h, JsonNode r) {
    JsonNode per = r.path("timing").path("per_trial_ms");
    h.append("<table><tr>");
    for (String k : new String[] {"bo", "compression", "forward", "distance", "latency", "total"}) {
      h.append("<th>").append(k).append("</th>");
    }
    h.append("</tr><tr>");
    for (String k : new String[] {"bo", "compression", "forward", "distance", "latency", "total"}) {
      h.append("<td>").append(String.format(Locale.ROOT, "%.2f ms", per.path(k).asDouble()))
          .append("</td>");
    }
    h.append("</tr></table><p style=\"font-size:12px\">Means over ")
        .append(r.path("timing").path("trials").asInt()).append(" trials (")
        .append(r.path("timing").path("evaluated").asInt()).append(" evaluated networks; cached")
        .append(" plans cost only the BO step). On the CPU the squared-distance reduction is")
        .append(" made in the read of the logits and counts under forward.</p>");
  }

  private static double[] col(List<double[]> rows, int c) {
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rows.get(i)[c];
    }
    return out;
  }

  private static void row(StringBuilder h, String k, String v) {
    h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">").append(v)
        .append("</td></tr>");
  }

  private static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e6 || a < 1e-3)) {
      return String.format(Locale.ROOT, "%.4g", v);
    }
    return a >= 1000 ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.4g", v);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }

  private static String esc(String s) {
    return SvgPlot.escape(s);
  }
}

package io.bocomp.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A result document rebuilt from a journal alone, for reporting on a run that was killed before it
 * wrote result.json: marked partial, with the budget, the best feasible trial of the last stage
 * started, the Pareto front and the timing; no model, top-1 or certificate.
 */
final class JournalSummary {
  private JournalSummary() {}

  static ObjectNode of(Journal.Contents journal) {
    JsonNode header = journal.header();
    JsonNode cfg = header.path("fingerprint").path("config");
    JsonNode stage = null;
    List<TrialRecord> all = new ArrayList<>();
    for (ObjectNode line : journal.lines()) {
      String type = line.path("type").asText();
      if (type.equals("stage")) {
        stage = line;
      } else if (type.equals("trial")) {
        all.add(JournalCodec.trial(line));
      }
    }
    int lastStage = stage == null ? 0 : stage.path("stage").asInt();
    List<TrialRecord> last = new ArrayList<>();
    for (TrialRecord r : all) {
      if (r.stage() == lastStage) {
        last.add(r);
      }
    }
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("model", header.path("model").asText());
    o.put("partial", true);
    ObjectNode b = o.putObject("budget");
    JsonNode sb = stage == null ? cfg.path("budget") : stage.path("budget");
    b.put("metric", sb.path("metric").asText());
    b.put("max", sb.path("max").asDouble());
    if (sb.has("fraction")) {
      b.put("fraction", sb.path("fraction").asDouble());
    }
    o.put("mode", cfg.path("mode").asText());
    o.put("method", cfg.path("method").asText());
    o.put("parameter", stage == null ? cfg.path("parameter").asText()
        : stage.path("parameter").asText());
    int evaluated = 0;
    int failed = 0;
    double ms = 0;
    for (TrialRecord r : all) {
      evaluated += r.cached() || r.failed() ? 0 : 1;
      failed += r.failed() ? 1 : 0;
      ms += r.timing().total();
    }
    o.put("trials", all.size());
    o.put("evaluations", evaluated);
    o.put("cache_hits", all.size() - evaluated - failed);
    o.put("seconds", ms / 1000);
    o.put("objective", "(rebuilt from the journal)");
    o.set("timing", ResultWriter.timing(all));
    o.set("pareto", ResultWriter.pareto(last));
    TrialRecord best = StageRunner.bestFeasible(last);
    if (best != null) {
      ObjectNode d = o.putObject("distance");
      d.put("mean", best.loss());
      d.put("stderr", best.distance().stderr());
      d.put("n", best.distance().n());
      d.put("objective", cfg.path("distance").asText());
      o.set("best", ResultWriter.bestJson(best));
      ArrayNode dims = o.putArray("dimensions");
      JsonNode sd = stage == null ? null : stage.path("dimensions");
      double[] theta = best.theta();
      for (int k = 0; sd != null && k < sd.size() && k < theta.length; k++) {
        ObjectNode dim = dims.addObject();
        dim.put("name", sd.get(k).path("name").asText());
        dim.put("lower", sd.get(k).path("lower").asDouble());
        dim.put("upper", sd.get(k).path("upper").asDouble());
        dim.put("value", theta[k]);
      }
    }
    return o;
  }
}

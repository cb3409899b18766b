package io.bocomp.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.bo.SurrogateState;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of journal lines. Doubles are written in Java's round-trip form, so a record read
 * back equals the one written bit for bit (NaN fields are written as null).
 *
 * <pre>
 * {"type": "trial", "stage": 0, "trial": 17, "phase": "bo", "theta": [...], "plan": KEY,
 *  "cached": false, "distance": {"mean", "stderr", "n"} | null, "failure": null | "why",
 *  "cost": {"params", "macs", "bytes", "latency_ms"}, "r": 0.249, "feasible": true,
 *  "lambda": 12.5 | null, "kappa": null, "gp": [{"name", "lengthscales", ...}],
 *  "ms": {"bo", "compression", "forward", "distance", "latency"}}
 * </pre>
 */
final class JournalCodec {
  private JournalCodec() {}

  static ObjectNode trial(TrialRecord r) {
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("type", "trial");
    o.put("stage", r.stage());
    o.put("trial", r.trial());
    o.put("phase", r.phase());
    ArrayNode th = o.putArray("theta");
    for (double v : r.theta()) {
      th.add(v);
    }
    o.put("plan", r.planKey());
    o.put("cached", r.cached());
    if (r.distance() != null) {
      ObjectNode d = o.putObject("distance");
      d.put("mean", r.distance().mean());
      d.put("stderr", r.distance().stderr());
      d.put("n", r.distance().n());
    } else {
      o.putNull("distance");
    }
    o.put("failure", r.failure());
    if (r.cost() != null) {
      o.set("cost", cost(r.cost()));
    } else {
      o.putNull("cost");
    }
    putNumber(o, "r", r.r());
    o.put("feasible", r.feasible());
    putNumber(o, "lambda", r.lambda());
    putNumber(o, "kappa", r.kappa());
    o.set("gp", Journal.JSON.valueToTree(r.gp()));
    ObjectNode ms = o.putObject("ms");
    TrialTiming t = r.timing();
    ms.put("bo", t.bo());
    ms.put("compression", t.compression());
    ms.put("forward", t.forward());
    ms.put("distance", t.distance());
    ms.put("latency", t.latency());
    return o;
  }

  static TrialRecord trial(JsonNode o) {
    try {
      return parseTrial(o);
    } catch (RuntimeException e) {
      throw new JournalMismatchException("a trial line of the journal is incomplete or corrupt ("
          + e.getMessage() + "): " + abbreviate(o.toString()));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 117) + "..." : s;
  }

  private static TrialRecord parseTrial(JsonNode o) {
    JsonNode th = o.get("theta");
    if (th == null || !th.isArray() || !o.path("trial").isInt() || !o.path("stage").isInt()
        || !o.path("phase").isTextual()) {
      throw new IllegalArgumentException("stage, trial, phase and theta are required");
    }
    double[] theta = new double[th.size()];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = th.get(i).asDouble();
    }
    JsonNode d = o.get("distance");
    Distance distance = d == null || d.isNull() ? null
        : new Distance(d.get("mean").asDouble(), d.get("stderr").asDouble(), d.get("n").asInt());
    JsonNode c = o.get("cost");
    PlanCost cost = c == null || c.isNull() ? null : cost(c);
    List<SurrogateState> gp = new ArrayList<>();
    for (JsonNode g : o.path("gp")) {
      try {
        gp.add(Journal.JSON.treeToValue(g, SurrogateState.class));
      } catch (JsonProcessingException e) {
        throw new JournalMismatchException("journal trial " + o.path("trial").asInt()
            + ": unreadable GP state (" + e.getOriginalMessage() + ")");
      }
    }
    JsonNode ms = o.path("ms");
    TrialTiming t = new TrialTiming(ms.path("bo").asDouble(), ms.path("compression").asDouble(),
        ms.path("forward").asDouble(), ms.path("distance").asDouble(),
        ms.path("latency").asDouble());
    String failure = o.path("failure").isNull() ? null : o.path("failure").asText(null);
    return new TrialRecord(o.get("stage").asInt(), o.get("trial").asInt(), o.get("phase").asText(),
        theta, o.get("plan").asText(), o.get("cached").asBoolean(), distance, failure, cost,
        number(o, "r"), o.get("feasible").asBoolean(), number(o, "lambda"), number(o, "kappa"), gp,
        t);
  }

  static ObjectNode cost(PlanCost c) {
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("params", c.params());
    o.put("macs", c.macs());
    o.put("bytes", c.bytes());
    putNumber(o, "latency_ms", c.latencyMs());
    return o;
  }

  static PlanCost cost(JsonNode c) {
    return new PlanCost(c.get("params").asLong(), c.get("macs").asLong(), c.get("bytes").asLong(),
        number(c, "latency_ms"));
  }

  static void putNumber(ObjectNode o, String field, double v) {
    if (Double.isFinite(v)) {
      o.put(field, v);
    } else {
      o.putNull(field);
    }
  }

  static double number(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? Double.NaN : v.asDouble();
  }
}

package io.bocomp.tune;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.compress.CompressibleModel;
import java.time.Instant;

/**
 * The {@link Tuner}'s own journal lines: the header (written once, with the fingerprint a resume
 * is checked against) and the line that starts each stage. Trial lines are {@link JournalCodec}'s,
 * stage ends the tuner's. Limits: the field names are the journal format ({@link Journal#FORMAT});
 * changing them breaks resuming older runs.
 */
final class JournalLines {
  private JournalLines() {}

  /** The journal's header line: format, versions, command, inputs, fingerprint, samples. */
  static ObjectNode header(String command, Tuner.Inputs inputs, ObjectNode fingerprint,
      PlanCost originalCost, SampleSet samples, long seed) {
    ObjectNode h = Journal.JSON.createObjectNode();
    h.put("type", "header");
    h.put("format", Journal.FORMAT);
    h.put("bocomp", Tuner.version());
    h.put("created", Instant.now().toString());
    h.put("command", command);
    h.put("model", inputs.modelName());
    h.put("data", inputs.dataName());
    if (inputs.preprocessing() != null) {
      h.set("preprocess", inputs.preprocessing().toJson());
    }
    h.set("fingerprint", fingerprint);
    h.set("original", JournalCodec.cost(originalCost));
    ObjectNode s = h.putObject("samples");
    s.put("n", samples.size());
    s.put("seed", seed);
    ArrayNode idx = s.putArray("indices");
    for (int i : samples.indices()) {
      idx.add(i);
    }
    return h;
  }

  /** The line that starts stage {@code k}: its budget, base model and search dimensions. */
  static ObjectNode stage(RunConfig config, int k, Stage stage, SearchSpace space, Budget budget,
      double fraction, CompressibleModel base) {
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("type", "stage");
    o.put("stage", k);
    o.put("name", stage.name());
    o.put("base_model_sha256", base.hash());
    ObjectNode b = o.putObject("budget");
    b.put("metric", budget.metric().json());
    b.put("max", budget.limit());
    b.put("fraction", fraction);
    o.put("parameter", space.parametrization().json());
    o.put("trials", config.trialsOf(stage));
    ArrayNode dims = o.putArray("dimensions");
    for (SearchSpace.Knob kn : space.knobs()) {
      ObjectNode d = dims.addObject();
      d.put("name", kn.name());
      d.put("lower", kn.lower());
      d.put("upper", kn.upper());
      ArrayNode layers = d.putArray("layers");
      kn.layers().forEach(layers::add);
      ArrayNode methods = d.putArray("methods");
      kn.methods().forEach(m -> methods.add(m.json()));
    }
    ArrayNode notes = o.putArray("notes");
    space.notes().forEach(notes::add);
    return o;
  }
}

package io.bocomp.compress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.model.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which layers to compress and how: a public JSON contract (the {@code compress} command reads it,
 * the tuner writes it inside {@code result.json}):
 *
 * <pre>
 * {"model": "&lt;optional SHA-256 of the model&gt;",
 *  "layers": [{"name": "&lt;ONNX node name&gt;",
 *              "method": "svd" | "tucker2" | "prune" | "filter_prune" | "quantize",
 *              "rank": 16, "ranks": [r_in, r_out], "energy": 0.9, "fraction": 0.5,
 *              "bits": 4, "group": 64}]}
 * </pre>
 *
 * Each entry carries exactly one of rank / ranks / energy / fraction, as its method needs, none
 * for {@code quantize} (see {@link PlanEntry}); optionally {@code bits} (2, 3, 4, 5, 6 or 8;
 * required for {@code quantize}) and, with bits, {@code group} (32, 64 or 128); layers not listed
 * stay as they are. Parsing checks everything that does not
 * need the model (syntax, unknown fields, value ranges, duplicates); {@link #resolve} checks the
 * rest against the model. Every error names the file and the entry.
 */
public final class CompressionPlan {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ENTRY_FIELDS =
      Set.of("name", "method", "rank", "ranks", "energy", "fraction", "bits", "group");

  private final List<PlanEntry> entries;
  private final String modelHash;
  private final String source;

  private CompressionPlan(List<PlanEntry> entries, String modelHash, String source) {
    this.entries = List.copyOf(entries);
    this.modelHash = modelHash;
    this.source = source;
  }

  /** A plan of these entries (checked as if parsed), for no particular model. */
  public static CompressionPlan of(List<PlanEntry> entries) {
    return of(entries, null);
  }

  /** A plan of these entries, bound to a model hash (or null). */
  public static CompressionPlan of(List<PlanEntry> entries, String modelHash) {
    CompressionPlan p = new CompressionPlan(entries, modelHash, "plan");
    for (int i = 0; i < entries.size(); i++) {
      p.checkValues(entries.get(i), i);
    }
    p.checkDuplicates();
    return p;
  }

  /** Reads a plan file. */
  public static CompressionPlan read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidPlanException(file + ": no such file");
    } catch (IOException e) {
      throw new InvalidPlanException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return parse(text, file.toString());
  }

  /** Parses plan JSON; {@code source} names it in messages. */
  public static CompressionPlan parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidPlanException(source + ": not valid JSON (" + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ")", e);
    }
    return fromJson(root, source);
  }

  /** A plan from an already-parsed JSON object (e.g. the "plan" member of result.json). */
  public static CompressionPlan fromJson(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new InvalidPlanException(source + ": a plan is a JSON object with a \"layers\" array");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!f.equals("layers") && !f.equals("model")) {
        throw new InvalidPlanException(source + ": unknown field \"" + f
            + "\" (a plan has \"layers\" and optionally \"model\")");
      }
    }
    JsonNode layers = root.get("layers");
    if (layers == null || !layers.isArray()) {
      throw new InvalidPlanException(source + ": \"layers\" must be an array");
    }
    JsonNode model = root.get("model");
    if (model != null && !model.isTextual()) {
      throw new InvalidPlanException(source + ": \"model\" must be a string (the model's SHA-256)");
    }
    CompressionPlan shell = new CompressionPlan(List.of(), null, source);
    java.util.ArrayList<PlanEntry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      entries.add(shell.entry(layers.get(i), i));
    }
    CompressionPlan p = new CompressionPlan(entries, model == null ? null : model.asText(), source);
    p.checkDuplicates();
    return p;
  }

  public List<PlanEntry> entries() {
    return entries;
  }

  /** The model hash the plan was made for, or null if it does not say. */
  public String modelHash() {
    return modelHash;
  }

  /** Where the plan came from (a file name, or "plan"), for messages. */
  public String source() {
    return source;
  }

  /** The same plan bound to a model hash. */
  public CompressionPlan forModel(String hash) {
    return new CompressionPlan(entries, hash, source);
  }

  /**
   * Checks the plan against a model as far as possible without its factors (hash, layer names,
   * methods, explicit ranks), so a bad plan fails before any decomposition runs.
   *
   * @throws InvalidPlanException naming the entry at fault
   */
  public void validate(CompressibleModel model) {
    PlanResolver.validate(this, model);
  }

  /**
   * Checks the plan against a model and fixes every layer's final shape: ranks from energies,
   * rounding, kept filters, the dense-if-not-cheaper rule. Cheap (no graph is built), so a tuner may
   * resolve thousands of candidate plans to cost them.
   *
   * @throws InvalidPlanException naming the entry at fault
   */
  public ResolvedPlan resolve(ModelFactors factors, ApplyOptions options) {
    return PlanResolver.resolve(this, factors, options);
  }

  /**
   * Applies the plan: a new graph with the listed layers compressed; {@code graph} is not modified
   * and shares its untouched tensors with the result.
   *
   * @param graph the model's graph (the one {@code factors} were computed for)
   */
  public CompressionResult apply(Graph graph, ModelFactors factors, ApplyOptions options) {
    if (graph != factors.model().graph() && !ModelHash.of(graph).equals(factors.model().hash())) {
      throw new InvalidPlanException(source + ": the factors were computed for another model");
    }
    ResolvedPlan resolved = resolve(factors, options);
    return new CompressionResult(PlanApplier.apply(resolved, factors, options), resolved);
  }

  /** The plan as JSON (the public contract). */
  public String toJson() {
    return toJsonNode().toPrettyString();
  }

  /** The plan as a JSON tree, to embed in another document. */
  public ObjectNode toJsonNode() {
    ObjectNode root = JSON.createObjectNode();
    if (modelHash != null) {
      root.put("model", modelHash);
    }
    ArrayNode layers = root.putArray("layers");
    for (PlanEntry e : entries) {
      ObjectNode o = layers.addObject();
      o.put("name", e.name());
      o.put("method", e.method().json());
      if (e.rank() != null) {
        o.put("rank", e.rank());
      }
      if (e.ranks() != null) {
        ArrayNode r = o.putArray("ranks");
        for (int v : e.ranks()) {
          r.add(v);
        }
      }
      if (e.energy() != null) {
        o.put("energy", e.energy());
      }
      if (e.fraction() != null) {
        o.put("fraction", e.fraction());
      }
      if (e.bits() != null) {
        o.put("bits", e.bits());
      }
      if (e.group() != null) {
        o.put("group", e.group());
      }
    }
    return root;
  }

  /** "PLAN.json: entry 3 ('conv2')" for messages. */
  String where(int index, String name) {
    return source + ": entry " + (index + 1) + (name == null ? "" : " ('" + name + "')");
  }

  private PlanEntry entry(JsonNode o, int i) {
    if (!o.isObject()) {
      throw new InvalidPlanException(where(i, null) + ": must be an object");
    }
    JsonNode nameNode = o.get("name");
    if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isEmpty()) {
      throw new InvalidPlanException(where(i, null) + ": \"name\" (the layer's node name) is missing");
    }
    String name = nameNode.asText();
    for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!ENTRY_FIELDS.contains(f)) {
        throw new InvalidPlanException(where(i, name) + ": unknown field \"" + f + "\" (expected "
            + "name, method, one of rank, ranks, energy, fraction, and optionally bits, group)");
      }
    }
    JsonNode m = o.get("method");
    Method method = m != null && m.isTextual() ? Method.fromJson(m.asText()) : null;
    if (method == null) {
      throw new InvalidPlanException(where(i, name) + ": \"method\" must be one of "
          + Method.allNames() + (m == null ? "" : ", got " + m));
    }
    Integer rank = null;
    int[] ranks = null;
    Double energy = null;
    Double fraction = null;
    if (o.has("rank")) {
      rank = integer(o.get("rank"), i, name, "rank");
    }
    if (o.has("ranks")) {
      JsonNode r = o.get("ranks");
      if (!r.isArray() || r.size() != 2) {
        throw new InvalidPlanException(where(i, name)
            + ": \"ranks\" must be [input-channel rank, output-channel rank]");
      }
      ranks = new int[] {integer(r.get(0), i, name, "ranks[0]"), integer(r.get(1), i, name, "ranks[1]")};
    }
    if (o.has("energy")) {
      energy = number(o.get("energy"), i, name, "energy");
    }
    if (o.has("fraction")) {
      fraction = number(o.get("fraction"), i, name, "fraction");
    }
    Integer bits = o.has("bits") ? integer(o.get("bits"), i, name, "bits") : null;
    Integer group = o.has("group") ? integer(o.get("group"), i, name, "group") : null;
    PlanEntry e = new PlanEntry(name, method, rank, ranks, energy, fraction, bits, group);
    checkValues(e, i);
    return e;
  }

  /** Checks the parameter set and ranges that do not depend on the model. */
  private void checkValues(PlanEntry e, int i) {
    String at = where(i, e.name());
    int given = (e.rank() != null ? 1 : 0) + (e.ranks() != null ? 1 : 0)
        + (e.energy() != null ? 1 : 0) + (e.fraction() != null ? 1 : 0);
    String wants;
    boolean ok;
    switch (e.method()) {
      case SVD:
        wants = "\"rank\" or \"energy\"";
        ok = e.rank() != null || e.energy() != null;
        break;
      case TUCKER2:
        wants = "\"ranks\" ([r_in, r_out]) or \"energy\"";
        ok = e.ranks() != null || e.energy() != null;
        break;
      case QUANTIZE:
        wants = "no parameter but \"bits\"";
        ok = given == 0;
        if (e.bits() == null) {
          throw new InvalidPlanException(at + ": method quantize needs \"bits\" ("
              + bitWidths() + ")");
        }
        break;
      default:
        wants = "\"fraction\"";
        ok = e.fraction() != null;
    }
    if (!ok || (given != 1 && e.method() != Method.QUANTIZE)) {
      throw new InvalidPlanException(at + ": method " + e.method().json()
          + (e.method() == Method.QUANTIZE ? " takes " : " takes exactly one of ") + wants);
    }
    if (e.bits() != null && !io.bocomp.model.QuantizedTensor.isBitWidth(e.bits())) {
      throw new InvalidPlanException(at + ": unsupported bit width " + e.bits() + " (bocomp"
          + " quantizes weights to " + bitWidths() + " bits)");
    }
    if (e.group() != null && e.bits() == null) {
      throw new InvalidPlanException(at + ": \"group\" needs \"bits\" (it sets how many inputs"
          + " share a quantization scale)");
    }
    if (e.group() != null && (e.group() == 0 || !WeightQuantizer.isGroupSize(e.group()))) {
      throw new InvalidPlanException(at + ": group " + e.group() + " must be 32, 64 or 128"
          + " inputs per scale (leave it out for one scale per output channel)");
    }
    if (e.rank() != null && e.rank() < 1) {
      throw new InvalidPlanException(at + ": rank " + e.rank() + " must be at least 1");
    }
    if (e.ranks() != null && (e.ranks()[0] < 1 || e.ranks()[1] < 1)) {
      throw new InvalidPlanException(at + ": ranks " + java.util.Arrays.toString(e.ranks())
          + " must be at least 1");
    }
    if (e.energy() != null && !(e.energy() > 0 && e.energy() <= 1)) {
      throw new InvalidPlanException(at + ": energy " + e.energy() + " outside (0, 1]");
    }
    if (e.fraction() != null && !(e.fraction() >= 0 && e.fraction() <= 1)) {
      throw new InvalidPlanException(at + ": fraction " + e.fraction() + " outside [0, 1]");
    }
  }

  private static String bitWidths() {
    StringBuilder b = new StringBuilder();
    int[] w = io.bocomp.model.QuantizedTensor.BIT_WIDTHS;
    for (int i = 0; i < w.length; i++) {
      b.append(i == 0 ? "" : i == w.length - 1 ? " or " : ", ").append(w[i]);
    }
    return b.toString();
  }

  private void checkDuplicates() {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      Integer prev = seen.put(entries.get(i).name(), i);
      if (prev != null) {
        throw new InvalidPlanException(where(i, entries.get(i).name())
            + ": duplicate of entry " + (prev + 1) + " (one method per layer)");
      }
    }
  }

  private int integer(JsonNode v, int i, String name, String field) {
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new InvalidPlanException(where(i, name) + ": \"" + field + "\" must be an integer"
          + (v == null ? "" : ", got " + v));
    }
    return v.asInt();
  }

  private double number(JsonNode v, int i, String name, String field) {
    if (v == null || !v.isNumber()) {
      throw new InvalidPlanException(where(i, name) + ": \"" + field + "\" must be a number"
          + (v == null ? "" : ", got " + v));
    }
    return v.asDouble();
  }
}

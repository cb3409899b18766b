package io.bocomp.model;

import io.bocomp.model.onnx.Onnx;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded model: its graph plus the ONNX envelope (IR version, operator-set imports, producer).
 * {@link #origin()} is the ModelProto it was read from (its graph stripped), so metadata and fields
 * bocomp does not model are written back on export. {@link #warnings()} lists problems found at
 * load that are not errors.
 */
public final class Model {
  /** The ONNX IR version written for models bocomp creates. */
  public static final long DEFAULT_IR_VERSION = 8;
  /** The default-domain opset bocomp writes for models it creates. */
  public static final long DEFAULT_OPSET = 17;

  private final Graph graph;
  private final long irVersion;
  private final Map<String, Long> opsets;
  private final String producerName;
  private final Onnx.ModelProto origin;
  private final List<String> warnings;

  public Model(Graph graph, long irVersion, Map<String, Long> opsets, String producerName,
      Onnx.ModelProto origin) {
    this(graph, irVersion, opsets, producerName, origin, List.of());
  }

  private Model(Graph graph, long irVersion, Map<String, Long> opsets, String producerName,
      Onnx.ModelProto origin, List<String> warnings) {
    this.graph = graph;
    this.irVersion = irVersion;
    this.opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
    this.producerName = producerName == null ? "" : producerName;
    this.origin = origin;
    this.warnings = List.copyOf(warnings);
  }

  /** A new model around a graph, with bocomp's default IR version and opset. */
  public static Model of(Graph graph) {
    return new Model(graph, DEFAULT_IR_VERSION, Map.of("", DEFAULT_OPSET), "bocomp", null);
  }

  public Graph graph() {
    return graph;
  }

  /** The same envelope around another graph. */
  public Model withGraph(Graph g) {
    return new Model(g, irVersion, opsets, producerName, origin, warnings);
  }

  /** The same model with these load-time warnings (replacing any it had). */
  public Model withWarnings(List<String> w) {
    return new Model(graph, irVersion, opsets, producerName, origin, w);
  }

  /**
   * Problems found at load that do not stop bocomp, one sentence each naming the tensor or node
   * (e.g. NaN or infinite weights). The CLI prints them as WARN lines; empty for a clean model.
   */
  public List<String> warnings() {
    return warnings;
  }

  public long irVersion() {
    return irVersion;
  }

  /** Operator-set imports: domain ("" = ai.onnx) to version. */
  public Map<String, Long> opsets() {
    return opsets;
  }

  /** The default-domain (ai.onnx) opset version. */
  public long opset() {
    Long v = opsets.get("");
    if (v == null) {
      v = opsets.get("ai.onnx");
    }
    return v == null ? DEFAULT_OPSET : v;
  }

  public String producerName() {
    return producerName;
  }

  /** The ModelProto read from disk (graph cleared), or null for models built in memory. */
  public Onnx.ModelProto origin() {
    return origin;
  }
}

package io.bocomp.model;

import io.bocomp.model.onnx.Onnx;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A loaded model: its graph plus the ONNX envelope (IR version, operator-set imports, producer).
 * {@link #origin()} is the ModelProto it was read from (its graph stripped), so metadata and fields
 * bocomp does not model are written back on export.
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

  public Model(Graph graph, long irVersion, Map<String, Long> opsets, String producerName,
      Onnx.ModelProto origin) {
    this.graph = graph;
    this.irVersion = irVersion;
    this.opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
    this.producerName = producerName == null ? "" : producerName;
    this.origin = origin;
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
    return new Model(g, irVersion, opsets, producerName, origin);
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

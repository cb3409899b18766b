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
  /** The inputs and outputs as declared before {@link #specialize}, or null. */
  private final Graph declared;
  /** Weights the file stored quantized, by (folded) initializer name. */
  private final Map<String, QuantizedTensor> quantized;

  public Model(Graph graph, long irVersion, Map<String, Long> opsets, String producerName,
      Onnx.ModelProto origin) {
    this(graph, irVersion, opsets, producerName, origin, List.of(), null);
  }

  private Model(Graph graph, long irVersion, Map<String, Long> opsets, String producerName,
      Onnx.ModelProto origin, List<String> warnings, Graph declared) {
    this(graph, irVersion, opsets, producerName, origin, warnings, declared, Map.of());
  }

  private Model(Graph graph, long irVersion, Map<String, Long> opsets, String producerName,
      Onnx.ModelProto origin, List<String> warnings, Graph declared,
      Map<String, QuantizedTensor> quantized) {
    this.quantized = stillQuantized(graph, quantized);
    this.graph = graph;
    this.irVersion = irVersion;
    this.opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
    this.producerName = producerName == null ? "" : producerName;
    this.origin = origin;
    this.warnings = List.copyOf(warnings);
    this.declared = declared;
  }

  /** A new model around a graph, with bocomp's default IR version and opset. */
  public static Model of(Graph graph) {
    return new Model(graph, DEFAULT_IR_VERSION, Map.of("", DEFAULT_OPSET), "bocomp", null);
  }

  public Graph graph() {
    return graph;
  }

  /**
   * The same envelope (and declared signature) around another graph; of the
   * {@link #quantizedWeights()}, those still float initializers of the same shape are kept.
   */
  public Model withGraph(Graph g) {
    return new Model(g, irVersion, opsets, producerName, origin, warnings, declared, quantized);
  }

  /** The same model with these load-time warnings (replacing any it had). */
  public Model withWarnings(List<String> w) {
    return new Model(graph, irVersion, opsets, producerName, origin, w, declared, quantized);
  }

  /**
   * The same model recording that these initializers were stored quantized in its file (the
   * loader folds the DequantizeLinear nodes and keeps their codes, scales and bit widths here).
   */
  public Model withQuantizedWeights(Map<String, QuantizedTensor> q) {
    return new Model(graph, irVersion, opsets, producerName, origin, warnings, declared, q);
  }

  /**
   * Weights the file held as integer codes and scales (a DequantizeLinear of constants, folded at
   * load into the float initializer of this name), in graph order; empty for a float model.
   */
  public Map<String, QuantizedTensor> quantizedWeights() {
    return quantized;
  }

  private static Map<String, QuantizedTensor> stillQuantized(Graph g,
      Map<String, QuantizedTensor> q) {
    if (q.isEmpty()) {
      return Map.of();
    }
    Map<String, QuantizedTensor> kept = new LinkedHashMap<>();
    for (Map.Entry<String, QuantizedTensor> e : q.entrySet()) {
      Tensor t = g.initializer(e.getKey());
      if (t != null && t.isFloat()
          && java.util.Arrays.equals(t.shape(), e.getValue().codes().shape())) {
        kept.put(e.getKey(), e.getValue());
      }
    }
    return Collections.unmodifiableMap(kept);
  }

  /**
   * The model with its first input's dimensions after the batch fixed to {@code sample} (the
   * shape of one input sample) and every value's shape inferred again, so that layers whose
   * spatial size depended on symbolic dimensions (a detector's {@code [N, 3, ?, ?]}) get concrete
   * shapes for analysis and cost. Nothing is folded, so shape subgraphs still compute from the
   * input at run time, and an export still declares the inputs and outputs as the file did
   * ({@link #declaredInputs()}), without intermediate shapes: a compressed model keeps accepting
   * every size the original accepted.
   *
   * @throws ModelFormatException when the sample's rank or a fixed dimension differs from the
   *     model input's
   */
  public Model specialize(int[] sample) {
    ValueInfo in = graph.inputs().get(0);
    int[] s = in.shape();
    if (s == null || s.length != sample.length + 1) {
      throw new ModelFormatException("model input '" + in.name() + "' is "
          + (s == null ? "of unknown rank" : java.util.Arrays.toString(s)) + " but one input sample"
          + " is " + java.util.Arrays.toString(sample));
    }
    int[] fixed = s.clone();
    boolean changed = false;
    for (int i = 1; i < s.length; i++) {
      if (s[i] >= 0 && s[i] != sample[i - 1]) {
        throw new ModelFormatException("model input '" + in.name() + "' is "
            + java.util.Arrays.toString(s) + " but one input sample is "
            + java.util.Arrays.toString(sample) + " (dimension " + i + " differs)");
      }
      changed |= s[i] < 0;
      fixed[i] = sample[i - 1];
    }
    if (!changed) {
      return this;
    }
    Graph.Builder b = graph.toBuilder();
    b.inputs().set(0, in.withShape(fixed));
    b.valueInfos().clear();
    Graph shaped = ShapeInference.infer(b.build(), opset());
    return new Model(shaped, irVersion, opsets, producerName, origin, warnings,
        declared != null ? declared : graph, quantized);
  }

  /** The inputs as the model file declares them (before {@link #specialize}). */
  public List<ValueInfo> declaredInputs() {
    return (declared != null ? declared : graph).inputs();
  }

  /** The outputs as the model file declares them (before {@link #specialize}). */
  public List<ValueInfo> declaredOutputs() {
    return (declared != null ? declared : graph).outputs();
  }

  /** True if {@link #specialize} fixed symbolic input dimensions. */
  public boolean isSpecialized() {
    return declared != null;
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

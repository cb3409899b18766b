package io.bocomp.model.op;

import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Normalizes the opset-dependent forms of ops to one canonical form, that of opset
 * {@value #CANONICAL_OPSET} and later: Softmax over one axis (opset 13 semantics), Clip's bounds,
 * Squeeze/Unsqueeze/Reduce*'s axes and Split's sizes as inputs, Slice and Pad parameters as
 * inputs, Upsample as Resize, and so on (each op's rule is its schema's {@link OpSchema#upgrade}).
 * Executors and shape inference read the canonical form only.
 *
 * <p>A graph of opset {@code v < 18} becomes a graph of opset 18, a valid model at that opset
 * ({@link #canonical(Model)} raises the model's opset and IR version accordingly, and exports
 * are written at it). A graph of a later opset keeps its opset: its ops' later versions mostly add
 * attributes or modes whose defaults keep the opset-18 meaning, and the few whose meaning changed
 * (GroupNormalization-21's per-channel scale) are read by their executors at the model's opset.
 */
public final class OpsetForms {
  /** The opset whose forms are canonical. */
  public static final long CANONICAL_OPSET = 18;
  /** The lowest IR version a model of {@link #CANONICAL_OPSET} may have. */
  public static final long CANONICAL_IR_VERSION = 8;

  private OpsetForms() {}

  /** The opset a graph of {@code opset} has once canonical. */
  public static long canonicalOpset(long opset) {
    return Math.max(opset, CANONICAL_OPSET);
  }

  /** The model in canonical form, its default-domain opset and IR version raised to match. */
  public static Model canonical(Model m) {
    long opset = m.opset();
    Graph g = canonical(m.graph(), opset);
    if (g == m.graph() && opset >= CANONICAL_OPSET) {
      return m;
    }
    Map<String, Long> opsets = new LinkedHashMap<>(m.opsets());
    opsets.remove("ai.onnx");
    opsets.put("", canonicalOpset(opset));
    return new Model(g, Math.max(m.irVersion(), CANONICAL_IR_VERSION), opsets, m.producerName(),
        m.origin()).withWarnings(m.warnings());
  }

  /**
   * The graph with every node in canonical form (the same instance when the opset is
   * {@value #CANONICAL_OPSET} or later, or no node changes).
   *
   * @throws io.bocomp.model.UnsupportedOperatorException for an unknown op or a form that has no
   *     canonical equivalent, naming the node
   * @throws io.bocomp.model.ModelFormatException for a malformed node, naming it
   */
  public static Graph canonical(Graph g, long opset) {
    if (opset >= CANONICAL_OPSET) {
      return g;
    }
    Context c = new Context(g, opset);
    boolean changed = false;
    for (Node n : g.nodes()) {
      List<Node> out = OpTable.schema(n).upgrade(n, c);
      if (out.size() != 1 || out.get(0) != n) {
        changed = true;
      }
      for (Node o : out) {
        c.b.addNode(o);
      }
    }
    if (!changed) {
      return g;
    }
    return c.b.build();
  }

  /** What an upgrade may use: the source opset, fresh names, new constants, value ranks. */
  public static final class Context {
    private final Graph source;
    private final long opset;
    private final Graph.Builder b;
    private final Set<String> names = new HashSet<>();

    private Context(Graph source, long opset) {
      this.source = source;
      this.opset = opset;
      this.b = source.toBuilder();
      b.nodes().clear();
      source.inputs().forEach(v -> names.add(v.name()));
      names.addAll(source.initializers().keySet());
      for (Node n : source.nodes()) {
        names.add(n.name());
        names.addAll(n.inputs());
        names.addAll(n.outputs());
      }
    }

    /** The opset the graph was written for. */
    public long opset() {
      return opset;
    }

    /** A value or node name not used anywhere in the graph yet. */
    public String fresh(String base) {
      String n = base;
      for (int i = 1; names.contains(n); i++) {
        n = base + "_" + i;
      }
      names.add(n);
      return n;
    }

    /** Adds an int64 1-D constant and returns its (fresh) name. */
    public String longs(String base, long... values) {
      return constant(base, Tensor.ofLongs(new int[] {values.length}, values));
    }

    /** Adds a constant and returns its (fresh) name. */
    public String constant(String base, Tensor t) {
      String name = fresh(base);
      b.initializer(name, t);
      return name;
    }

    /** The initializer of that name, or null. */
    public Tensor initializer(String value) {
      return b.initializers().get(value);
    }

    /**
     * The rank of a value produced before the node being upgraded, or -1 when not known
     * statically (shape inference over the canonical nodes so far).
     */
    public int rank(String value) {
      Tensor t = initializer(value);
      if (t != null) {
        return t.rank();
      }
      Graph partial = b.build();
      Graph shaped = ShapeInference.infer(partial.toBuilder().build(), CANONICAL_OPSET);
      int[] s = shaped.valueInfo(value).map(ValueInfo::shape).orElse(null);
      if (s == null) {
        s = source.valueInfo(value).map(ValueInfo::shape).orElse(null);
      }
      return s == null ? -1 : s.length;
    }
  }
}

package io.bocomp.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weight-only quantized form of a graph: DequantizeLinear nodes whose inputs are all
 * initializers (integer codes, scales, optional zero points), each producing a float weight.
 *
 * <ul>
 *   <li>{@link #find} lists them ({@link QuantizedTensor} by the DequantizeLinear's output name);
 *   <li>{@link #fold} replaces each by the float initializer it computes (the form every
 *       executor runs; the name is kept, so the weight's readers are unchanged);
 *   <li>{@link #insert} does the reverse for given float initializers: codes, scales and a
 *       DequantizeLinear that produces the old name, placed before its first reader.
 * </ul>
 *
 * Only the default-domain op with constant operands counts; a DequantizeLinear of run-time data
 * (activation quantization) is left alone.
 */
public final class QuantizedWeights {
  private QuantizedWeights() {}

  /** The DequantizeLinear nodes of constant operands, by output name, in graph order. */
  public static Map<String, QuantizedTensor> find(Graph g) {
    Map<String, QuantizedTensor> out = new LinkedHashMap<>();
    for (Node n : g.nodes()) {
      QuantizedTensor q = of(g, n);
      if (q != null) {
        out.put(n.output(0), q);
      }
    }
    return out;
  }

  /** The graph with every constant DequantizeLinear replaced by its float result. */
  public static Graph fold(Graph g) {
    boolean any = false;
    for (Node n : g.nodes()) {
      any |= of(g, n) != null;
    }
    if (!any) {
      return g;
    }
    Graph.Builder b = g.toBuilder();
    b.nodes().clear();
    Set<String> dropped = new HashSet<>();
    for (Node n : g.nodes()) {
      QuantizedTensor q = of(g, n);
      if (q == null) {
        b.addNode(n);
        continue;
      }
      Tensor w = q.dequantize();
      b.initializer(n.output(0), w);
      dropped.addAll(n.inputs());
    }
    Set<String> read = new HashSet<>();
    for (Node n : b.nodes()) {
      read.addAll(n.inputs());
    }
    for (ValueInfo o : g.outputs()) {
      read.add(o.name());
    }
    for (String name : dropped) {
      if (!read.contains(name)) {
        b.initializers().remove(name);
      }
    }
    return b.build();
  }

  /**
   * The graph with the named float initializers stored quantized: each becomes codes
   * ({@code <name>_quantized}), scales ({@code <name>_scale}) and zero points when given, and a
   * DequantizeLinear node ({@code <name>/DequantizeLinear}) producing {@code <name>}, placed
   * before the first node that reads it.
   *
   * @throws IllegalArgumentException for a name that is not a float initializer of that shape
   */
  public static Graph insert(Graph g, Map<String, QuantizedTensor> weights) {
    if (weights.isEmpty()) {
      return g;
    }
    Set<String> names = new HashSet<>(g.initializers().keySet());
    for (Node n : g.nodes()) {
      names.add(n.name());
      names.addAll(n.outputs());
    }
    Graph.Builder b = g.toBuilder();
    b.nodes().clear();
    Map<String, Node> pending = new LinkedHashMap<>();
    for (Map.Entry<String, QuantizedTensor> e : weights.entrySet()) {
      String name = e.getKey();
      Tensor t = g.initializer(name);
      QuantizedTensor q = e.getValue();
      if (t == null || !t.isFloat()
          || !java.util.Arrays.equals(t.shape(), q.codes().shape())) {
        throw new IllegalArgumentException("'" + name + "' is not a float initializer of shape "
            + java.util.Arrays.toString(q.codes().shape()));
      }
      b.initializers().remove(name);
      pending.put(name, node(b.initializers(), names, name, q));
    }
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      for (String in : n.inputs()) {
        Node dq = pending.remove(in);
        if (dq != null) {
          nodes.add(dq);
        }
      }
      nodes.add(n);
    }
    nodes.addAll(0, pending.values()); // read by nothing (a graph output): first
    b.nodes().addAll(nodes);
    return b.build();
  }

  /**
   * The DequantizeLinear node producing {@code out} from {@code q}; its codes, scales (and zero
   * points) are put into {@code initializers} under names not in {@code names} (which gets them).
   */
  public static Node node(Map<String, Tensor> initializers, Set<String> names, String out,
      QuantizedTensor q) {
    String codes = Graph.freshName(names, out + "_quantized");
    String scale = Graph.freshName(names, out + "_scale");
    initializers.put(codes, q.codes());
    initializers.put(scale, q.scales());
    List<String> in = new ArrayList<>(List.of(codes, scale));
    if (q.zeroPoints() != null) {
      String zp = Graph.freshName(names, out + "_zero_point");
      initializers.put(zp, q.zeroPoints());
      in.add(zp);
    }
    Node.Builder n = Node.builder("DequantizeLinear").name(Graph.freshName(names, out + "/DequantizeLinear"))
        .inputs(in).outputs(out);
    if (q.scales().rank() > 0 && q.scales().size() > 1 || q.blockSize() > 0) {
      n.attr("axis", (long) q.axis());
    }
    if (q.blockSize() > 0) {
      n.attr("block_size", (long) q.blockSize());
    }
    return n.build();
  }

  private static QuantizedTensor of(Graph g, Node n) {
    if (!n.opType().equals("DequantizeLinear") || !n.domain().isEmpty()
        || n.inputs().size() < 2) {
      return null;
    }
    Tensor x = g.initializer(n.input(0));
    Tensor s = g.initializer(n.input(1));
    Tensor z = n.inputs().size() > 2 && !n.input(2).isEmpty() ? g.initializer(n.input(2)) : null;
    boolean zGiven = n.inputs().size() > 2 && !n.input(2).isEmpty();
    if (x == null || s == null || x.isFloat() || !s.isFloat() || (zGiven && z == null)) {
      return null;
    }
    int axis = 0;
    long block = n.intAttr("block_size", 0);
    if (x.rank() > 0 && (s.size() > 1 || block > 0)) {
      long a = n.intAttr("axis", 1);
      axis = (int) (a < 0 ? a + x.rank() : a);
    }
    try {
      return new QuantizedTensor(x, s, z, axis, (int) block, QuantizedTensor.inferBits(x, z));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(n.label() + ": " + e.getMessage());
    }
  }
}

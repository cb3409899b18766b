package io.bocomp.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable computation graph: nodes in topological order, named weights (initializers), graph
 * inputs (the runtime feeds, never initializers), graph outputs, and the value infos known for
 * intermediate values. Transformations build a new graph with {@link #toBuilder()}; tensors are
 * shared between the old and the new graph and are never written.
 */
public final class Graph {
  private final String name;
  private final List<Node> nodes;
  private final Map<String, Tensor> initializers;
  private final List<ValueInfo> inputs;
  private final List<ValueInfo> outputs;
  private final Map<String, ValueInfo> valueInfos;

  private volatile Map<String, Node> byName;
  private volatile Map<String, Node> producers;
  private volatile Map<String, List<Node>> consumers;

  private Graph(Builder b) {
    this.name = b.name;
    this.nodes = List.copyOf(b.nodes);
    this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(b.initializers));
    this.inputs = List.copyOf(b.inputs);
    this.outputs = List.copyOf(b.outputs);
    this.valueInfos = Collections.unmodifiableMap(new LinkedHashMap<>(b.valueInfos));
  }

  public static Builder builder() {
    return new Builder();
  }
  /**
   * {@code base}, or {@code base_2}, {@code base_3}, ... : the first that {@code taken} does not
   * hold, which is then added to it (unique value and node names for inserted nodes).
   */
  public static String freshName(java.util.Set<String> taken, String base) {
    String n = base;
    for (int i = 2; taken.contains(n); i++) {
      n = base + "_" + i;
    }
    taken.add(n);
    return n;
  }


  public Builder toBuilder() {
    Builder b = new Builder().name(name);
    b.nodes.addAll(nodes);
    b.initializers.putAll(initializers);
    b.inputs.addAll(inputs);
    b.outputs.addAll(outputs);
    b.valueInfos.putAll(valueInfos);
    return b;
  }

  public String name() {
    return name;
  }

  /** Nodes in topological order. */
  public List<Node> nodes() {
    return nodes;
  }

  public Map<String, Tensor> initializers() {
    return initializers;
  }

  public Tensor initializer(String valueName) {
    return initializers.get(valueName);
  }

  public boolean isInitializer(String valueName) {
    return initializers.containsKey(valueName);
  }

  /** Runtime inputs (values the caller feeds), excluding initializers. */
  public List<ValueInfo> inputs() {
    return inputs;
  }

  public List<ValueInfo> outputs() {
    return outputs;
  }

  /** Known type/shape of intermediate values (from the file or from shape inference). */
  public Map<String, ValueInfo> valueInfos() {
    return valueInfos;
  }

  /** Type/shape of any value: input, output, intermediate or initializer; empty if unknown. */
  public Optional<ValueInfo> valueInfo(String valueName) {
    for (ValueInfo v : inputs) {
      if (v.name().equals(valueName)) {
        return Optional.of(v);
      }
    }
    ValueInfo v = valueInfos.get(valueName);
    if (v != null) {
      return Optional.of(v);
    }
    for (ValueInfo o : outputs) {
      if (o.name().equals(valueName)) {
        return Optional.of(o);
      }
    }
    Tensor t = initializers.get(valueName);
    if (t != null) {
      return Optional.of(new ValueInfo(valueName,
          t.isFloat() ? ValueInfo.ELEM_FLOAT : ValueInfo.ELEM_INT64, t.shape(), null));
    }
    return Optional.empty();
  }

  /** The node with this name, if any. */
  public Optional<Node> node(String nodeName) {
    return Optional.ofNullable(nodesByName().get(nodeName));
  }

  /** The node producing this value; empty for inputs and initializers. */
  public Optional<Node> producer(String valueName) {
    Map<String, Node> p = producers;
    if (p == null) {
      p = new HashMap<>();
      for (Node n : nodes) {
        for (String o : n.outputs()) {
          if (!o.isEmpty()) {
            p.put(o, n);
          }
        }
      }
      producers = p;
    }
    return Optional.ofNullable(p.get(valueName));
  }

  /** The nodes reading this value, in graph order. */
  public List<Node> consumers(String valueName) {
    Map<String, List<Node>> c = consumers;
    if (c == null) {
      c = new HashMap<>();
      for (Node n : nodes) {
        for (String i : n.inputs()) {
          if (!i.isEmpty()) {
            List<Node> l = c.computeIfAbsent(i, k -> new ArrayList<>());
            if (l.isEmpty() || l.get(l.size() - 1) != n) {
              l.add(n);
            }
          }
        }
      }
      consumers = c;
    }
    return c.getOrDefault(valueName, List.of());
  }

  /** True if the value is a graph output. */
  public boolean isOutput(String valueName) {
    for (ValueInfo o : outputs) {
      if (o.name().equals(valueName)) {
        return true;
      }
    }
    return false;
  }

  private Map<String, Node> nodesByName() {
    Map<String, Node> m = byName;
    if (m == null) {
      m = new HashMap<>();
      for (Node n : nodes) {
        m.put(n.name(), n);
      }
      byName = m;
    }
    return m;
  }

  /** Builder for {@link Graph}. */
  public static final class Builder {
    private String name = "graph";
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, ValueInfo> valueInfos = new LinkedHashMap<>();

    public Builder name(String n) {
      this.name = n == null ? "" : n;
      return this;
    }

    public Builder addNode(Node n) {
      nodes.add(n);
      return this;
    }

    /** Mutable list of nodes, for passes that rewrite in place before build(). */
    public List<Node> nodes() {
      return nodes;
    }

    public Builder initializer(String valueName, Tensor t) {
      initializers.put(valueName, t);
      return this;
    }

    public Map<String, Tensor> initializers() {
      return initializers;
    }

    public Builder input(ValueInfo v) {
      inputs.add(v);
      return this;
    }

    public List<ValueInfo> inputs() {
      return inputs;
    }

    public Builder output(ValueInfo v) {
      outputs.add(v);
      return this;
    }

    public List<ValueInfo> outputs() {
      return outputs;
    }

    public Builder valueInfo(ValueInfo v) {
      valueInfos.put(v.name(), v);
      return this;
    }

    public Map<String, ValueInfo> valueInfos() {
      return valueInfos;
    }

    public Graph build() {
      return new Graph(this);
    }
  }
}

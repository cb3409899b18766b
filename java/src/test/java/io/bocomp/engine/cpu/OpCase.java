package io.bocomp.engine.cpu;

import io.bocomp.engine.Parity;
import io.bocomp.model.Attribute;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-node test model: graph inputs fed with seeded random data, initializers, attributes, and
 * the opset it is written for. Built fluently: {@code OpCase.of("conv pads", 13, "Conv")
 * .input("x", 1, 3, 8, 8).weight("w", 4, 3, 3, 3).ints("pads", 1, 1, 1, 1)}.
 */
final class OpCase {
  final String label;
  final long opset;
  private final Node.Builder node;
  private final Graph.Builder graph = Graph.builder();
  final Map<String, Tensor> feeds = new LinkedHashMap<>();
  private final List<String> inputs = new ArrayList<>();
  private long seed;
  private int outType = ValueInfo.ELEM_FLOAT;
  private List<String> outputs = List.of("y");

  private OpCase(String label, long opset, String op) {
    this.label = label;
    this.opset = opset;
    this.node = Node.builder(op).name("node");
    this.seed = label.hashCode();
  }

  static OpCase of(String label, long opset, String op) {
    return new OpCase(label, opset, op);
  }

  /** A graph input fed with uniform [-1, 1) data. */
  OpCase input(String name, int... shape) {
    return input(name, Parity.random(seed++, shape));
  }

  /** A graph input fed with the given data. */
  OpCase input(String name, Tensor value) {
    feeds.put(name, value);
    graph.input(new ValueInfo(name, value.isFloat() ? ValueInfo.ELEM_FLOAT : ValueInfo.ELEM_INT64,
        value.shape(), null));
    inputs.add(name);
    return this;
  }

  /** An initializer with uniform [-1, 1) data. */
  OpCase weight(String name, int... shape) {
    return weight(name, Parity.random(seed++, shape));
  }

  OpCase weight(String name, Tensor value) {
    graph.initializer(name, value);
    inputs.add(name);
    return this;
  }

  OpCase longs(String name, long... values) {
    return weight(name, Tensor.ofLongs(new int[] {values.length}, values));
  }

  OpCase scalar(String name, float v) {
    return weight(name, Tensor.scalar(v));
  }

  /** An omitted optional input. */
  OpCase skip() {
    inputs.add("");
    return this;
  }

  OpCase ints(String key, long... v) {
    node.attr(key, Attribute.ofInts(v));
    return this;
  }

  OpCase integer(String key, long v) {
    node.attr(key, v);
    return this;
  }

  OpCase real(String key, float v) {
    node.attr(key, v);
    return this;
  }

  OpCase string(String key, String v) {
    node.attr(key, v);
    return this;
  }

  OpCase int64Output() {
    outType = ValueInfo.ELEM_INT64;
    return this;
  }

  /** Names the node's outputs (default one output, {@code y}); each becomes a graph output. */
  OpCase outputs(String... names) {
    outputs = List.of(names);
    return this;
  }

  /** The node's output names, in order. */
  List<String> outputNames() {
    return outputs;
  }

  Graph graph() {
    Graph.Builder g = graph.name(label.replaceAll("[^A-Za-z0-9]", "_"));
    g.addNode(node.inputs(inputs).outputs(outputs).build());
    for (String o : outputs) {
      g.output(new ValueInfo(o, outType, null, null));
    }
    return g.build();
  }

  @Override
  public String toString() {
    return label + " (opset " + opset + ")";
  }
}

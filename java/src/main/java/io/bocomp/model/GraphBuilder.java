package io.bocomp.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fluent way to build a {@link Graph} in code: test networks, and layers the compressor creates
 * (a factorized conv becomes two or three convs). Each method adds a node and returns the name of
 * the value it produces, so layers chain as values:
 *
 * <pre>{@code
 * GraphBuilder b = new GraphBuilder("net", 17);
 * String x = b.input("input", -1, 3, 32, 32);
 * x = b.relu(b.conv("conv1", x, w1, b1, 1, 1, 1));
 * b.output(b.gemm("fc", b.flatten(x, 1), w2, b2, true));
 * Model m = b.buildModel();
 * }</pre>
 *
 * <p>Naming: layers with weights take a name (their node, their output value, and their weights
 * {@code <name>.weight}, {@code <name>.bias}, ...); other ops are named {@code <OpType>_<k>}, k
 * counting the nodes added so far. A name already in use gets a {@code _1}, {@code _2} suffix. The
 * output value of a node has the node's name. Input dimensions of -1 are written with a symbolic
 * name ("N" for axis 0).
 *
 * <p>The op helpers follow the target opset's conventions (Clip bounds and Unsqueeze axes are
 * inputs from opsets 11 and 13 on, attributes before). Misuse (reading a value that does not exist
 * yet) throws {@link IllegalArgumentException}: it is a programming error, not bad user input.
 */
public final class GraphBuilder {
  private final String graphName;
  private final long opset;
  private final Graph.Builder graph = Graph.builder();
  private final NameScope names = NameScope.empty();
  private final Set<String> values = new HashSet<>();

  /** A builder for a graph targeting {@link Model#DEFAULT_OPSET}. */
  public GraphBuilder(String graphName) {
    this(graphName, Model.DEFAULT_OPSET);
  }

  public GraphBuilder(String graphName, long opset) {
    this.graphName = graphName;
    this.opset = opset;
  }

  public long opset() {
    return opset;
  }

  /** Adds a float32 runtime input; -1 marks an unknown (symbolic) dimension. */
  public String input(String name, int... shape) {
    String n = claim(name);
    graph.input(new ValueInfo(n, ValueInfo.ELEM_FLOAT, shape, symbolicNames(shape)));
    return n;
  }

  private static String[] symbolicNames(int[] shape) {
    String[] params = new String[shape.length];
    boolean any = false;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        params[i] = i == 0 ? "N" : "d" + i;
        any = true;
      }
    }
    return any ? params : null;
  }

  /** Adds an initializer (weight or constant) and returns its (possibly suffixed) name. */
  public String constant(String name, Tensor t) {
    String n = claim(name);
    graph.initializer(n, t);
    return n;
  }

  /**
   * Marks a value as a graph output (float32) of unknown shape. ONNX Runtime accepts that; the
   * ONNX checker wants the shape of graph outputs, so prefer {@link #output(String, int...)}.
   */
  public GraphBuilder output(String value) {
    require(value);
    graph.output(new ValueInfo(value, ValueInfo.ELEM_FLOAT, null, null));
    return this;
  }

  /** Marks a value as a float32 graph output of this shape (-1: symbolic, as for inputs). */
  public GraphBuilder output(String value, int... shape) {
    require(value);
    graph.output(new ValueInfo(value, ValueInfo.ELEM_FLOAT, shape, symbolicNames(shape)));
    return this;
  }

  /** Starts a node of any op reading these values ("" for an omitted optional input). */
  public Op op(String opType, String... inputs) {
    return new Op(opType, inputs);
  }

  // ---- layers with weights ----

  /** 2-D convolution, square stride/padding; bias may be null. */
  public String conv(String name, String x, Tensor w, Tensor bias, int stride, int pad, int group) {
    return conv(name, x, w, bias, new long[] {stride, stride}, new long[] {pad, pad, pad, pad},
        new long[] {1, 1}, group);
  }

  /** Convolution with explicit strides, pads (begin..., end...) and dilations; bias may be null. */
  public String conv(String name, String x, Tensor w, Tensor bias, long[] strides, long[] pads,
      long[] dilations, int group) {
    long[] kernel = new long[w.rank() - 2];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = w.dim(i + 2);
    }
    return weighted("Conv", name, x, w, bias).attr("kernel_shape", kernel).attr("strides", strides)
        .attr("pads", pads).attr("dilations", dilations).attr("group", group).out();
  }

  /** Fully connected layer {@code x * W^T + b} (transB = 1, PyTorch's layout) or {@code x * W + b}. */
  public String gemm(String name, String x, Tensor w, Tensor bias, boolean transB) {
    return weighted("Gemm", name, x, w, bias).attr("transB", transB ? 1 : 0).out();
  }

  /** Inference-mode batch normalization over axis 1. */
  public String batchNorm(String name, String x, Tensor scale, Tensor bias, Tensor mean, Tensor var,
      float epsilon) {
    String n = names.fresh(name);
    return new Op("BatchNormalization", new String[] {x, constant(n + ".scale", scale),
        constant(n + ".bias", bias), constant(n + ".mean", mean), constant(n + ".var", var)})
        .reservedName(n).attr("epsilon", epsilon).out();
  }

  private Op weighted(String opType, String name, String x, Tensor w, Tensor bias) {
    String n = names.fresh(name);
    String wn = constant(n + ".weight", w);
    String bn = bias == null ? "" : constant(n + ".bias", bias);
    return bias == null ? new Op(opType, new String[] {x, wn}).reservedName(n)
        : new Op(opType, new String[] {x, wn, bn}).reservedName(n);
  }

  // ---- parameter-free ops ----

  public String relu(String x) {
    return op("Relu", x).out();
  }

  /** Clip to [min, max] (ReLU6 is clip(x, 0, 6)). */
  public String clip(String x, float min, float max) {
    if (opset < 11) {
      return op("Clip", x).attr("min", min).attr("max", max).out();
    }
    return op("Clip", x, constant("clip_min", Tensor.scalar(min)), constant("clip_max", Tensor.scalar(max))).out();
  }

  public String hardSwish(String x) {
    if (opset < 14) {
      throw new IllegalArgumentException("HardSwish needs opset 14, the graph targets " + opset);
    }
    return op("HardSwish", x).out();
  }

  public String sigmoid(String x) {
    return op("Sigmoid", x).out();
  }

  public String tanh(String x) {
    return op("Tanh", x).out();
  }

  public String add(String a, String b) {
    return op("Add", a, b).out();
  }

  public String mul(String a, String b) {
    return op("Mul", a, b).out();
  }

  public String matMul(String a, String b) {
    return op("MatMul", a, b).out();
  }

  public String maxPool(String x, int kernel, int stride, int pad) {
    return op("MaxPool", x).attr("kernel_shape", kernel, kernel).attr("strides", stride, stride)
        .attr("pads", pad, pad, pad, pad).out();
  }

  public String averagePool(String x, int kernel, int stride, int pad) {
    return op("AveragePool", x).attr("kernel_shape", kernel, kernel).attr("strides", stride, stride)
        .attr("pads", pad, pad, pad, pad).out();
  }

  public String globalAveragePool(String x) {
    return op("GlobalAveragePool", x).out();
  }

  public String flatten(String x, int axis) {
    return op("Flatten", x).attr("axis", axis).out();
  }

  /** Reshape to a constant shape (0 copies a dimension, -1 is inferred). */
  public String reshape(String x, long... shape) {
    return op("Reshape", x, constant("shape", Tensor.ofLongs(new int[] {shape.length}, shape))).out();
  }

  public String transpose(String x, long... perm) {
    return op("Transpose", x).attr("perm", perm).out();
  }

  public String concat(int axis, String... xs) {
    return op("Concat", xs).attr("axis", axis).out();
  }

  public String softmax(String x, int axis) {
    return op("Softmax", x).attr("axis", axis).out();
  }

  /** Insert size-1 axes (attribute before opset 13, input from 13 on). */
  public String unsqueeze(String x, long... axes) {
    if (opset < 13) {
      return op("Unsqueeze", x).attr("axes", axes).out();
    }
    return op("Unsqueeze", x, constant("axes", Tensor.ofLongs(new int[] {axes.length}, axes))).out();
  }

  /** The graph built so far (nodes in insertion order, which is topological). */
  public Graph build() {
    return graph.name(graphName).build();
  }

  /** The graph in a model envelope: this builder's opset and a matching IR version. */
  public Model buildModel() {
    long ir = opset <= 18 ? 8 : 10;
    return new Model(build(), ir, Map.of("", opset), "bocomp", null);
  }

  private String claim(String name) {
    String n = names.fresh(name);
    values.add(n);
    return n;
  }

  private void require(String value) {
    if (!value.isEmpty() && !values.contains(value)) {
      throw new IllegalArgumentException("value '" + value + "' does not exist (yet) in graph '"
          + graphName + "'");
    }
  }

  /** A node being configured; {@link #out()} adds it to the graph. */
  public final class Op {
    private final Node.Builder node;
    private String name;
    private boolean nameReserved;

    private Op(String opType, String[] inputs) {
      for (String in : inputs) {
        require(in);
      }
      this.node = Node.builder(opType).inputs(inputs);
    }

    /** Node (and output value) name; default {@code <OpType>_<k>}. Suffixed if already used. */
    public Op name(String n) {
      this.name = n;
      this.nameReserved = false;
      return this;
    }

    private Op reservedName(String n) {
      this.name = n;
      this.nameReserved = true;
      return this;
    }

    public Op attr(String key, long v) {
      node.attr(key, v);
      return this;
    }

    public Op attr(String key, float v) {
      node.attr(key, v);
      return this;
    }

    public Op attr(String key, String v) {
      node.attr(key, v);
      return this;
    }

    public Op attr(String key, long... v) {
      node.attr(key, v);
      return this;
    }

    public Op attr(String key, Attribute a) {
      node.attr(key, a);
      return this;
    }

    /** Adds the node with one output and returns the output's name. */
    public String out() {
      return outs(1).get(0);
    }

    /** Adds the node with {@code count} outputs and returns their names. */
    public List<String> outs(int count) {
      String n = nameReserved ? name
          : names.fresh(name != null ? name : node.build().opType() + "_" + graph.nodes().size());
      List<String> outs = new ArrayList<>(count);
      values.add(n);
      outs.add(n);
      for (int i = 1; i < count; i++) {
        outs.add(claim(n + "_" + i));
      }
      graph.addNode(node.name(n).outputs(outs).build());
      return outs;
    }
  }
}

package io.bocomp.train;

import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.QuantizedWeights;
import io.bocomp.model.Tensor;
import io.bocomp.model.TopologicalOrder;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.op.ClipBounds;
import io.bocomp.model.op.OpTable;
import io.bocomp.model.op.OpsetForms;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A prepared model (BN folded, constants folded) compiled for training: the nodes on the path to
 * the first graph output as {@link TrainOp}s in topological order, and the initializers they train
 * as {@link Parameter}s. Trained: Conv and Gemm/MatMul weights and biases, PRelu slopes, the scale
 * and shift of an unfolded BatchNormalization, and an initializer operand of Add/Sub/Mul/Div
 * downstream of a trained layer (so input normalization before the first layer stays fixed).
 * Everything else (BN statistics, reshape targets, clip bounds) is a constant.
 *
 * <p>The graph itself holds no activations: a {@link Workspace} per worker does, so several
 * workers run shards of one mini-batch through the same graph at once.
 */
public final class TrainingGraph {
  /** How one op type (of {@link OpTable}) becomes a {@link TrainOp}. */
  @FunctionalInterface
  private interface Rule {
    TrainOp compile(Compiler c, Node n, int out);
  }

  /** The training registry: the op types fine-tuning can differentiate, and how. */
  private static final Map<String, Rule> RULES = new TreeMap<>();

  static {
    RULES.put("Conv", Compiler::conv);
    RULES.put("Gemm", Compiler::matrix);
    RULES.put("MatMul", Compiler::matrix);
    for (String op : new String[] {"Add", "Sub", "Mul", "Div"}) {
      RULES.put(op, Compiler::arithmetic);
    }
    RULES.put("PRelu", Compiler::prelu);
    RULES.put("Relu", (c, n, o) -> c.unary(n, o, UnaryOp.Fn.RELU, 0f, 0f));
    RULES.put("LeakyRelu", (c, n, o) -> c.unary(n, o, UnaryOp.Fn.LEAKY_RELU,
        n.floatAttr("alpha", 0.01f), 0f));
    RULES.put("Sigmoid", (c, n, o) -> c.unary(n, o, UnaryOp.Fn.SIGMOID, 0f, 0f));
    RULES.put("Tanh", (c, n, o) -> c.unary(n, o, UnaryOp.Fn.TANH, 0f, 0f));
    RULES.put("HardSigmoid", (c, n, o) -> c.unary(n, o, UnaryOp.Fn.HARD_SIGMOID,
        n.floatAttr("alpha", 0.2f), n.floatAttr("beta", 0.5f)));
    RULES.put("HardSwish", (c, n, o) -> c.unary(n, o, UnaryOp.Fn.HARD_SWISH, 0f, 0f));
    RULES.put("Clip", Compiler::clip);
    for (String op : new String[] {"MaxPool", "AveragePool", "GlobalAveragePool",
        "GlobalMaxPool"}) {
      RULES.put(op, Compiler::pool);
    }
    RULES.put("BatchNormalization", Compiler::batchNorm);
    RULES.put("Identity", Compiler::identity);
    RULES.put("Dropout", Compiler::identity);
    RULES.put("Flatten", Compiler::flatten);
    RULES.put("Reshape", Compiler::reshape);
    RULES.put("Squeeze", Compiler::squeeze);
    RULES.put("Unsqueeze", Compiler::unsqueeze);
    RULES.put("Transpose", Compiler::transpose);
    RULES.put("Concat", Compiler::concat);
    RULES.put("Softmax", Compiler::softmax);
  }

  /** Op types the training graph can differentiate, sorted. */
  public static final Set<String> OPS = Collections.unmodifiableSet(RULES.keySet());

  private final Model model;
  private final List<TrainOp> ops;
  private final List<Parameter> params;
  private final boolean[] requiresGrad;
  private final int slots;
  private final String inputName;
  private final int[] sampleShape;
  private final int outputSlot;
  private final String outputName;
  /** The weights the model stored quantized (written quantized again by {@link #export}). */
  private final Map<String, QuantizedTensor> quantized;

  private TrainingGraph(Model model, List<TrainOp> ops, List<Parameter> params,
      boolean[] requiresGrad, int slots, String inputName, int[] sampleShape, int outputSlot,
      String outputName, Map<String, QuantizedTensor> quantized) {
    this.quantized = quantized;
    this.model = model;
    this.ops = ops;
    this.params = params;
    this.requiresGrad = requiresGrad;
    this.slots = slots;
    this.inputName = inputName;
    this.sampleShape = sampleShape;
    this.outputSlot = outputSlot;
    this.outputName = outputName;
  }

  /**
   * Compiles a prepared model.
   *
   * @param keepZeros hold exact-zero weights at zero (the masks of a pruned model)
   * @throws UnsupportedOperatorException naming the node when an op cannot be trained
   * @throws ModelFormatException when the model has no single float input
   */
  public static TrainingGraph compile(Model model, boolean keepZeros) {
    return compile(model, keepZeros, false);
  }

  /** As {@link #compile(Model, boolean)}; {@code inputGrad} also back-propagates to the input. */
  static TrainingGraph compile(Model original, boolean keepZeros, boolean inputGrad) {
    Model model = OpsetForms.canonical(original);
    Graph g = model.graph();
    List<ValueInfo> inputs = g.inputs().stream().filter(v -> !g.isInitializer(v.name())).toList();
    if (inputs.size() != 1 || inputs.get(0).elemType() != ValueInfo.ELEM_FLOAT) {
      throw new ModelFormatException("fine-tuning needs a model with one float input, this one has "
          + inputs.size() + " input(s)");
    }
    ValueInfo input = inputs.get(0);
    String output = g.outputs().get(0).name();
    Set<String> available = new HashSet<>(g.initializers().keySet());
    available.add(input.name());
    List<Node> order = needed(TopologicalOrder.sort(g.nodes(), available, List.of(output)), output);
    Set<Node> fused = fusedRelus(g, order);
    Map<String, Integer> slotOf = new HashMap<>();
    slotOf.put(input.name(), 0);
    int slots = 1;
    for (Node n : order) {
      slotOf.put(n.output(0), fused.contains(n) ? slotOf.get(n.input(0)) : slots++);
    }
    boolean[] requires = new boolean[slots];
    requires[0] = inputGrad;
    Map<String, Parameter> params = new LinkedHashMap<>();
    List<TrainOp> ops = new ArrayList<>();
    Compiler c = new Compiler(g, model.opset(), slotOf, requires, params, keepZeros, fused,
        original.quantizedWeights());
    for (Node n : order) {
      if (fused.contains(n)) {
        continue;
      }
      for (int i = 1; i < n.outputs().size(); i++) {
        if (!n.output(i).isEmpty() && !g.consumers(n.output(i)).isEmpty()) {
          throw new UnsupportedOperatorException(n.label() + ": training uses only a node's first"
              + " output, but output '" + n.output(i) + "' is read");
        }
      }
      TrainOp op = c.op(n);
      op.index = ops.size();
      requires[op.out] = op.producesGrad(requires);
      ops.add(op);
    }
    if (params.isEmpty() && !inputGrad) {
      throw new ModelFormatException("the model has no trainable weights on the path to output '"
          + output + "'");
    }
    int[] shape = input.shape();
    int[] sample = shape == null ? null : Arrays.copyOfRange(shape, 1, shape.length);
    return new TrainingGraph(model, List.copyOf(ops), List.copyOf(params.values()), requires,
        slots, input.name(), sample, slotOf.get(output), output, original.quantizedWeights());
  }

  /**
   * Relu nodes applied by the Conv before them: the Conv's output is read by that Relu only (and
   * is no graph output), so the Conv writes {@code max(conv, 0)} into one slot shared by both
   * names and masks its output gradient by it in the backward pass ({@code y > 0} exactly where
   * the pre-activation is {@code > 0}). One pass over the activation less each way, and one
   * activation and gradient less to store and zero.
   */
  private static Set<Node> fusedRelus(Graph g, List<Node> order) {
    Map<String, Node> producer = new HashMap<>();
    for (Node n : order) {
      producer.put(n.output(0), n);
    }
    Set<String> outputs = new HashSet<>();
    g.outputs().forEach(v -> outputs.add(v.name()));
    Set<Node> fused = new HashSet<>();
    for (Node n : order) {
      if (!n.opType().equals("Relu") || n.inputs().isEmpty()) {
        continue;
      }
      Node p = producer.get(n.input(0));
      if (p != null && p.opType().equals("Conv") && g.consumers(p.output(0)).size() == 1
          && !outputs.contains(p.output(0))) {
        fused.add(n);
      }
    }
    return fused;
  }

  /** The nodes the output depends on, in the given (topological) order. */
  private static List<Node> needed(List<Node> order, String output) {
    Set<String> want = new HashSet<>(Set.of(output));
    List<Node> keep = new ArrayList<>();
    for (int i = order.size() - 1; i >= 0; i--) {
      Node n = order.get(i);
      if (n.outputs().stream().anyMatch(want::contains)) {
        keep.add(n);
        want.addAll(n.inputs());
      }
    }
    Collections.reverse(keep);
    return keep;
  }

  public List<Parameter> parameters() {
    return params;
  }

  /** Total trained scalars. */
  public long parameterCount() {
    return params.stream().mapToLong(Parameter::size).sum();
  }

  /** Pruned entries held at zero, over all parameters. */
  public long frozenZeroCount() {
    return params.stream().mapToLong(Parameter::frozenZeros).sum();
  }

  public String inputName() {
    return inputName;
  }

  public String outputName() {
    return outputName;
  }

  /**
   * The declared shape of one input sample (dimensions after the batch; -1 where symbolic), or
   * null when the model does not declare its input's shape.
   */
  public int[] sampleShape() {
    return sampleShape == null ? null : sampleShape.clone();
  }

  Workspace newWorkspace() {
    return new Workspace(slots, requiresGrad, params, ops.size());
  }

  int outputSlot() {
    return outputSlot;
  }

  /**
   * Runs samples {@code [from, from + n)} of {@code images} (shape [N, sample...]) forward,
   * leaving every activation in {@code w}; returns the output buffer (shape in {@code w}).
   */
  FloatBuffer forward(Workspace w, Tensor images, int from, int n) {
    int[] s = images.shape();
    int per = images.size() / Math.max(1, s[0]);
    s[0] = n;
    FloatBuffer x = w.output(0, s);
    x.put(0, images.data(), from * per, n * per);
    for (TrainOp op : ops) {
      op.forward(w);
    }
    return w.val[outputSlot];
  }

  /** Back-propagates the gradient the loss left in {@code w.grad[outputSlot]}. */
  void backward(Workspace w) {
    for (int i = ops.size() - 1; i >= 0; i--) {
      TrainOp op = ops.get(i);
      if (requiresGrad[op.out]) {
        op.backward(w);
      }
    }
  }

  /**
   * The model with its trained initializers replaced by the current parameter values; weights the
   * model stored quantized are written quantized again (their codes under the same scales, read by
   * a DequantizeLinear), so the bit widths survive fine-tuning.
   */
  public Model export() {
    Graph.Builder b = model.graph().toBuilder();
    Map<String, QuantizedTensor> q = new LinkedHashMap<>(quantized); // untrained ones as they were
    for (Parameter p : params) {
      b.initializer(p.name(), p.toTensor());
      if (p.quantization() != null) {
        q.put(p.name(), p.codes());
      }
    }
    return model.withGraph(QuantizedWeights.insert(b.build(), q));
  }

  /** Builds ops for nodes, deciding which initializers are trained. */
  private static final class Compiler {
    private final Graph g;
    private final long opset;
    private final Map<String, Integer> slotOf;
    private final boolean[] requires;
    private final Map<String, Parameter> params;
    private final boolean keepZeros;
    /** Weights stored quantized: trained through the quantizer. */
    private final Map<String, QuantizedTensor> quantized;
    /** Conv nodes that apply the Relu after them ({@link #fusedRelus}). */
    private final Set<String> reluConvOutputs = new HashSet<>();

    Compiler(Graph g, long opset, Map<String, Integer> slotOf, boolean[] requires,
        Map<String, Parameter> params, boolean keepZeros, Set<Node> fusedRelus,
        Map<String, QuantizedTensor> quantized) {
      this.quantized = quantized;
      for (Node r : fusedRelus) {
        reluConvOutputs.add(r.input(0));
      }
      this.g = g;
      this.opset = opset;
      this.slotOf = slotOf;
      this.requires = requires;
      this.params = params;
      this.keepZeros = keepZeros;
    }

    private Ref activation(Node n, int i) {
      String v = n.input(i);
      Integer s = slotOf.get(v);
      if (s == null || g.isInitializer(v)) {
        throw new UnsupportedOperatorException(n.label() + ": training needs input " + i + " ('"
            + v + "') to be an activation, not a weight");
      }
      return Ref.slot(v, s);
    }

    private Ref weight(Node n, int i) {
      String v = n.input(i);
      if (!g.isInitializer(v)) {
        throw new UnsupportedOperatorException(n.label() + ": training needs input " + i + " ('"
            + v + "') to be an initializer (a weight), not computed by the graph");
      }
      Tensor t = g.initializer(v);
      if (!t.isFloat()) {
        throw new UnsupportedOperatorException(n.label() + ": weight '" + v + "' is not float32");
      }
      Parameter p = params.computeIfAbsent(v,
          k -> new Parameter(k, params.size(), t, keepZeros && t.rank() >= 2,
              quantized.get(k)));
      return Ref.param(p);
    }

    private Ref constantOrParam(Node n, int i) {
      String v = n.input(i);
      if (params.containsKey(v)) {
        return Ref.param(params.get(v));
      }
      if (g.isInitializer(v)) {
        return Ref.constant(v, g.initializer(v));
      }
      return activation(n, i);
    }

    private long[] ints(Node n, int i, String what) {
      String v = n.inputs().size() > i ? n.input(i) : "";
      if (v.isEmpty()) {
        return null;
      }
      if (!g.isInitializer(v)) {
        throw new UnsupportedOperatorException(n.label() + ": training needs the " + what
            + " ('" + v + "') to be a constant");
      }
      return g.initializer(v).toLongArray();
    }

    private static void keepBatch(Node n, long[] axes, boolean output) {
      for (long a : axes == null ? new long[0] : axes) {
        if (a == 0) {
          throw new UnsupportedOperatorException(n.label() + ": training cannot "
              + (output ? "insert" : "remove") + " a dimension before the batch (axis 0)");
        }
      }
    }

    TrainOp op(Node n) {
      Rule rule = RULES.get(n.opType());
      if (rule == null) {
        OpTable.schema(n);
        throw OpTable.unsupportedBy(n, "fine-tuning", OPS);
      }
      return rule.compile(this, n, slotOf.get(n.output(0)));
    }

    TrainOp conv(Node n, int out) {
      List<Ref> in = new ArrayList<>(List.of(activation(n, 0), weight(n, 1)));
      if (n.inputs().size() > 2 && !n.input(2).isEmpty()) {
        in.add(weight(n, 2));
      }
      int[] ws = g.initializer(n.input(1)).shape();
      if (ws.length != 4) {
        throw new UnsupportedOperatorException(n.label() + ": training supports 2-D"
            + " convolutions only (weight shape " + Arrays.toString(ws) + ")");
      }
      return new ConvOp(n, in.toArray(Ref[]::new), out, opset,
          reluConvOutputs.contains(n.output(0)));
    }

    TrainOp matrix(Node n, int out) {
      List<Ref> in = new ArrayList<>(List.of(activation(n, 0), weight(n, 1)));
      if (n.opType().equals("Gemm") && n.inputs().size() > 2 && !n.input(2).isEmpty()) {
        in.add(weight(n, 2));
      }
      return new GemmOp(n, in.toArray(Ref[]::new), out);
    }

    TrainOp arithmetic(Node n, int out) {
      Ref a = binaryOperand(n, 0, 1);
      Ref b = binaryOperand(n, 1, 0);
      return new BinaryOp(n, new Ref[] {a, b}, out,
          BinaryOp.Kind.valueOf(n.opType().toUpperCase()));
    }

    TrainOp prelu(Node n, int out) {
      return new BinaryOp(n, new Ref[] {activation(n, 0), weight(n, 1)}, out,
          BinaryOp.Kind.PRELU);
    }

    TrainOp clip(Node n, int out) {
      Tensor[] consts = new Tensor[n.inputs().size()];
      for (int i = 1; i < consts.length; i++) {
        String v = n.input(i);
        if (!v.isEmpty() && !g.isInitializer(v)) {
          throw new UnsupportedOperatorException(n.label() + ": training needs input '" + v
              + "' to be a constant");
        }
        consts[i] = v.isEmpty() ? null : g.initializer(v);
      }
      ClipBounds b = ClipBounds.of(n, consts);
      return unary(n, out, UnaryOp.Fn.CLIP, Math.max(b.lo(), -Float.MAX_VALUE),
          Math.min(b.hi(), Float.MAX_VALUE));
    }

    TrainOp pool(Node n, int out) {
      if (!n.opType().startsWith("Global") && n.intsAttr("kernel_shape", new long[0]).length != 2) {
        throw new UnsupportedOperatorException(n.label() + ": training supports 2-D pooling only");
      }
      return new PoolOp(n, new Ref[] {activation(n, 0)}, out);
    }

    TrainOp batchNorm(Node n, int out) {
      return new BatchNormOp(n, new Ref[] {activation(n, 0), weight(n, 1), weight(n, 2),
          constantOrParam(n, 3), constantOrParam(n, 4)}, out);
    }

    TrainOp identity(Node n, int out) {
      return new ReshapeOp(n, new Ref[] {activation(n, 0)}, out, s -> s);
    }

    TrainOp flatten(Node n, int out) {
      int axis = (int) n.intAttr("axis", 1);
      if (axis == 0 || axis >= 2) {
        throw new UnsupportedOperatorException(n.label() + ": training supports Flatten at"
            + " axis 1 only (axis " + axis + " splits or merges the batch dimension)");
      }
      return new ReshapeOp(n, new Ref[] {activation(n, 0)}, out,
          s -> ReshapeOp.flatten(axis, s));
    }

    TrainOp reshape(Node n, int out) {
      long[] target = ints(n, 1, "target shape");
      boolean allowZero = n.intAttr("allowzero", 0) != 0;
      return new ReshapeOp(n, new Ref[] {activation(n, 0)}, out,
          s -> ReshapeOp.reshape(n, target, s, allowZero));
    }

    TrainOp squeeze(Node n, int out) {
      long[] axes = ints(n, 1, "axes");
      keepBatch(n, axes, false);
      return new ReshapeOp(n, new Ref[] {activation(n, 0)}, out,
          s -> ReshapeOp.squeeze(axes, s));
    }

    TrainOp unsqueeze(Node n, int out) {
      long[] axes = ints(n, 1, "axes");
      if (axes == null) {
        throw new ModelFormatException(n.label() + ": Unsqueeze without axes");
      }
      keepBatch(n, axes, true);
      return new ReshapeOp(n, new Ref[] {activation(n, 0)}, out,
          s -> ReshapeOp.unsqueeze(axes, s));
    }

    TrainOp transpose(Node n, int out) {
      long[] p = n.intsAttr("perm", null);
      Integer rank = g.valueInfo(n.input(0)).map(v -> v.shape().length).orElse(null);
      if (p == null && rank == null) {
        throw new UnsupportedOperatorException(n.label() + ": Transpose without perm needs a"
            + " known input rank");
      }
      int[] perm = new int[p == null ? rank : p.length];
      for (int i = 0; i < perm.length; i++) {
        perm[i] = p == null ? perm.length - 1 - i : (int) p[i];
      }
      if (perm[0] != 0) {
        throw new UnsupportedOperatorException(n.label() + ": training needs the batch kept"
            + " first, but perm is " + Arrays.toString(perm));
      }
      return new TransposeOp(n, new Ref[] {activation(n, 0)}, out, perm);
    }

    TrainOp concat(Node n, int out) {
      long axis = n.intAttr("axis", 1);
      if (axis == 0) {
        throw new UnsupportedOperatorException(n.label() + ": training cannot concatenate"
            + " along the batch (axis 0)");
      }
      Ref[] in = new Ref[n.inputs().size()];
      for (int i = 0; i < in.length; i++) {
        in[i] = constantOrParam(n, i);
      }
      return new ConcatOp(n, in, out);
    }

    TrainOp softmax(Node n, int out) {
      return new SoftmaxOp(n, new Ref[] {activation(n, 0)}, out);
    }

    private TrainOp unary(Node n, int out, UnaryOp.Fn fn, float a, float b) {
      return new UnaryOp(n, new Ref[] {activation(n, 0)}, out, fn, a, b);
    }

    /** A binary operand: an initializer is trained when the other side carries a gradient. */
    private Ref binaryOperand(Node n, int i, int other) {
      String v = n.input(i);
      if (!g.isInitializer(v)) {
        return activation(n, i);
      }
      String o = n.input(other);
      Integer os = g.isInitializer(o) ? null : slotOf.get(o);
      if (os != null && requires[os] && g.initializer(v).isFloat()) {
        return weight(n, i);
      }
      return constantOrParam(n, i);
    }
  }
}

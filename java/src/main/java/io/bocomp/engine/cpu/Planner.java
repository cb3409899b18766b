package io.bocomp.engine.cpu;

import io.bocomp.engine.FeedException;
import io.bocomp.model.ElemType;
import io.bocomp.model.Graph;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.op.OpSchema;
import io.bocomp.model.op.OpTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link ExecutionPlan} of one call pattern (feed names and shapes, wanted values):
 *
 * <ol>
 *   <li><b>Pruning</b>: walking back from the wanted values, stop at anything fed or constant;
 *       only the nodes reached must run. Shape reads only its input's shape, so the producers
 *       above a Shape are shape-inferred but not run.
 *   <li><b>Shapes and plan-time values</b>: with every feed shape known, every shape is known;
 *       Shape nodes and nodes whose inputs are all known (int64 shape arithmetic) are evaluated
 *       now, once, so no shape subgraph runs per call.
 *   <li><b>Layout</b>: with the Vector API, convolutions and the element-wise ops that follow
 *       them run on the blocked channel layout ({@link BlockedPlan}); reorder steps convert
 *       values where the layout changes.
 *   <li><b>Fusion</b> ({@link FusionChains}): a Conv followed by an Add of a same-shaped tensor (a
 *       residual) and/or an activation, a MatMul followed by a bias Add and/or an activation, a
 *       Gemm followed by an activation, and Gelu written out as five nodes, each become one step
 *       when each intermediate has that single reader and is not wanted (and all run on the same
 *       layout); the step runs at the position of the chain's last node.
 *   <li><b>Storage</b>: {@link ArenaLayout}.
 * </ol>
 */
final class Planner {
  private final Graph graph;
  private final long opset;
  private final Map<String, Tensor> constants;
  private final WorkerPool pool;

  Planner(Graph graph, long opset, Map<String, Tensor> constants, WorkerPool pool) {
    this.graph = graph;
    this.opset = opset;
    this.constants = constants;
    this.pool = pool;
  }

  ExecutionPlan plan(Map<String, Tensor> feeds, List<String> wanted) {
    Set<Node> dataNeeded = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Node> shapeNeeded = Collections.newSetFromMap(new IdentityHashMap<>());
    for (String w : wanted) {
      visit(w, true, feeds, dataNeeded, shapeNeeded);
    }
    Map<String, int[]> shapes = new HashMap<>();
    Map<String, Integer> types = new HashMap<>();
    Map<String, Tensor> known = new HashMap<>();
    for (Map.Entry<String, Tensor> e : constants.entrySet()) {
      shapes.put(e.getKey(), e.getValue().shape());
      types.put(e.getKey(), e.getValue().elemType());
      known.put(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
      shapes.put(e.getKey(), e.getValue().shape());
      types.put(e.getKey(), e.getValue().elemType());
      if (!e.getValue().isFloat()) {
        known.put(e.getKey(), e.getValue());
      }
    }
    List<Node> runtime = new ArrayList<>();
    for (Node node : graph.nodes()) {
      boolean data = dataNeeded.contains(node);
      if (!data && !shapeNeeded.contains(node)) {
        continue;
      }
      inferShapes(node, shapes, known);
      inferTypes(node, types);
      if (!data) {
        continue;
      }
      if (LayoutKernels.isShapeFunction(node.opType())) {
        known.put(node.output(0), LayoutKernels.shapeFunction(node, shapes.get(node.input(0))));
      } else if (allKnown(node, known)) {
        Tensor[] in = inputsOf(node, known);
        Tensor[] out = NodeEvaluator.evaluate(node, in, opset, pool);
        for (int i = 0; i < out.length && i < node.outputs().size(); i++) {
          if (!node.output(i).isEmpty()) {
            known.put(node.output(i), out[i]);
          }
        }
      } else {
        checkRuntimeNode(node);
        runtime.add(node);
      }
    }
    return new StepBuilder(runtime, shapes, types, known, feeds, wanted).build();
  }

  private static void inferTypes(Node node, Map<String, Integer> types) {
    int[] in = new int[node.inputs().size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = node.input(i).isEmpty() ? 0 : types.getOrDefault(node.input(i), 0);
    }
    OpSchema schema = OpTable.schema(node);
    for (int o = 0; o < node.outputs().size(); o++) {
      if (!node.output(o).isEmpty()) {
        types.put(node.output(o), schema.outputType(node, in, o));
      }
    }
  }

  /** The float-coded copy of an int64 tensor (its values as float32, keeping its ONNX type). */
  static Tensor floatCopy(Tensor t) {
    long[] v = t.toLongArray();
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = v[i];
    }
    return Tensor.of(t.shape(), f);
  }

  private void visit(String value, boolean data, Map<String, Tensor> feeds, Set<Node> dataNeeded,
      Set<Node> shapeNeeded) {
    if (feeds.containsKey(value) || constants.containsKey(value)) {
      return;
    }
    Node p = graph.producer(value).orElse(null);
    if (p == null) {
      boolean isInput = graph.inputs().stream().anyMatch(v -> v.name().equals(value));
      throw new FeedException(isInput ? "graph input '" + value + "' is not fed"
          : "no value named '" + value + "' in graph '" + graph.name() + "'");
    }
    Set<Node> set = data ? dataNeeded : shapeNeeded;
    if (!set.add(p) || (!data && dataNeeded.contains(p))) {
      return;
    }
    OpSchema schema = OpTable.schema(p);
    for (int i = 0; i < p.inputs().size(); i++) {
      String in = p.input(i);
      if (in.isEmpty()) {
        continue;
      }
      boolean needData = data ? !schema.readsOnlyShape(i) : schema.valueDecidesShape(i);
      visit(in, needData, feeds, dataNeeded, shapeNeeded);
    }
  }

  private void inferShapes(Node node, Map<String, int[]> shapes, Map<String, Tensor> known) {
    int n = node.inputs().size();
    int[][] in = new int[n][];
    Tensor[] consts = new Tensor[n];
    for (int i = 0; i < n; i++) {
      in[i] = node.input(i).isEmpty() ? null : shapes.get(node.input(i));
      consts[i] = node.input(i).isEmpty() ? null : known.get(node.input(i));
    }
    int[][] out = ShapeInference.outputShapes(node, in, consts);
    for (int o = 0; o < node.outputs().size(); o++) {
      String name = node.output(o);
      if (name.isEmpty()) {
        continue;
      }
      int[] s = o < out.length ? out[o] : null;
      if (s == null || Arrays.stream(s).anyMatch(d -> d < 0)) {
        throw new ModelFormatException(node.label() + ": cannot determine the shape of '" + name
            + "' (got " + (s == null ? "unknown rank" : Arrays.toString(s)) + ")");
      }
      shapes.put(name, s);
    }
  }

  private static boolean allKnown(Node node, Map<String, Tensor> known) {
    for (String in : node.inputs()) {
      if (!in.isEmpty() && !known.containsKey(in)) {
        return false;
      }
    }
    return !node.inputs().isEmpty();
  }

  private static Tensor[] inputsOf(Node node, Map<String, Tensor> known) {
    Tensor[] t = new Tensor[node.inputs().size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = node.input(i).isEmpty() ? null : known.get(node.input(i));
    }
    return t;
  }

  private void checkRuntimeNode(Node node) {
    if (node.opType().equals("Dropout") && node.outputs().size() > 1
        && !node.output(1).isEmpty() && !graph.consumers(node.output(1)).isEmpty()) {
      throw new UnsupportedOperatorException(node.label() + ": Dropout's mask output is not"
          + " supported");
    }
  }

  /** Turns the run-time nodes into fused steps over value ids, then lays out storage. */
  private final class StepBuilder {
    private final List<Node> runtime;
    private final Map<String, int[]> shapes;
    private final Map<String, Integer> types;
    private final Map<String, Tensor> known;
    /** Float-coded copies of int64 constants that run-time kernels read as data. */
    private final Map<String, Tensor> floatCoded = new HashMap<>();
    private final Map<String, Tensor> feeds;
    private final List<String> wanted;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> uses = new HashMap<>();
    private final Map<String, Node> reader = new HashMap<>();
    private BlockedPlan blocked = BlockedPlan.none();
    /** Values with a blocked form: the id of that form, and its geometry by id. */
    private final Map<String, Integer> blockedIds = new HashMap<>();
    private final Map<Integer, BlockedGeometry> geometryOf = new HashMap<>();
    /** Values some node outside the blocked layout (or the caller) reads. */
    private final Set<String> readInNchw = new HashSet<>();
    private final List<ExecutionPlan.Step> steps = new ArrayList<>();
    private final List<int[]> shares = new ArrayList<>();

    StepBuilder(List<Node> runtime, Map<String, int[]> shapes, Map<String, Integer> types,
        Map<String, Tensor> known, Map<String, Tensor> feeds, List<String> wanted) {
      this.runtime = runtime;
      this.shapes = shapes;
      this.types = types;
      this.known = known;
      this.feeds = feeds;
      this.wanted = wanted;
    }

    ExecutionPlan build() {
      for (Node node : runtime) {
        for (String in : node.inputs()) {
          if (!in.isEmpty()) {
            uses.merge(in, 1, Integer::sum);
            reader.put(in, node);
          }
        }
      }
      for (String w : wanted) {
        uses.merge(w, 1, Integer::sum);
      }
      if (VectorSupport.enabled()) {
        blocked = BlockedPlan.of(runtime, shapes, known, VectorSupport.blockedLanes());
      }
      readInNchw.addAll(wanted);
      for (Node node : runtime) {
        if (!blocked.isMember(node)) {
          readInNchw.addAll(node.inputs());
        }
      }
      FusionChains chains = new FusionChains(runtime, shapes, known, uses, reader, blocked);
      for (Node node : runtime) {
        FusionChains.Chain chain = chains.endingAt(node);
        boolean absorbed = chains.absorbed(node);
        if (blocked.isMember(node) && (chain != null || !absorbed)) {
          blockedStep(chain != null ? chain : new FusionChains.Chain(new Node[] {node}, null,
              null, false));
        } else if (chain != null) {
          steps.add(chain.unary() ? unaryStep(chain) : fusedStep(chain));
          shares.add(new int[] {-1, 0});
        } else if (!absorbed) {
          if (CpuKernels.isView(node.opType())) {
            steps.add(new ExecutionPlan.Step(null, new int[] {id(node.input(0))},
                new int[] {id(node.output(0))}, new Node[] {node}));
            shares.add(new int[] {0, 1});
          } else {
            ExecutionPlan.Step s = kernelStep(node);
            steps.add(s);
            shares.add(new int[] {s.out.length == 1 ? s.kernel.inPlaceInput() : -1, 0});
          }
        }
      }
      List<ExecutionPlan.Output> outputs = new ArrayList<>();
      for (String w : wanted) {
        if (feeds.containsKey(w)) {
          outputs.add(new ExecutionPlan.Output(w, w, null, -1, null, 0));
        } else if (known.containsKey(w)) {
          outputs.add(new ExecutionPlan.Output(w, null, known.get(w), -1, null, 0));
        } else {
          outputs.add(new ExecutionPlan.Output(w, null, null, id(w), shapes.get(w),
              types.getOrDefault(w, ElemType.FLOAT)));
        }
      }
      int n = names.size();
      int[] size = new int[n];
      boolean[] external = new boolean[n];
      boolean[] keep = new boolean[n];
      boolean[] heap = new boolean[n];
      String[] feedName = new String[n];
      Tensor[] constant = new Tensor[n];
      Set<String> wantedSet = new HashSet<>(wanted);
      for (int v = 0; v < n; v++) {
        String name = names.get(v);
        BlockedGeometry bg = geometryOf.get(v);
        if (bg != null) {
          size[v] = bg.size();
          heap[v] = true;
          continue;
        }
        size[v] = Tensor.checkedSize(shapes.get(name));
        if (feeds.containsKey(name)) {
          external[v] = true;
          feedName[v] = name;
        } else if (known.containsKey(name)) {
          external[v] = true;
          constant[v] = floatCoded.getOrDefault(name, known.get(name));
        }
        keep[v] = wantedSet.contains(name);
      }
      ArenaLayout layout = new ArenaLayout(size, external, keep, heap);
      for (int i = 0; i < steps.size(); i++) {
        ExecutionPlan.Step s = steps.get(i);
        layout.addStep(s.in, s.out, shares.get(i)[0], shares.get(i)[1] == 1);
      }
      layout.layout();
      return new ExecutionPlan(steps.toArray(new ExecutionPlan.Step[0]), layout, size, feedName,
          constant, outputs);
    }

    private int id(String name) {
      Integer v = ids.get(name);
      if (v == null) {
        v = names.size();
        ids.put(name, v);
        names.add(name);
      }
      return v;
    }

    /**
     * Id of the buffer of input i of a node: -1 for an absent input, an input the node reads only
     * the shape (or type) of, or an int64 constant whose value decides the output shape (kernels
     * read it from the spec); an int64 constant read as data gets a float-coded copy.
     */
    private int bufferId(Node node, int i) {
      String name = node.input(i);
      if (name.isEmpty()) {
        return -1;
      }
      if (OpTable.schema(node).readsOnlyShape(i)) {
        return -1;
      }
      Tensor k = known.get(name);
      if (k != null && !k.isFloat()) {
        if (OpTable.schema(node).valueDecidesShape(i)) {
          return -1;
        }
        floatCoded.computeIfAbsent(name, x -> floatCopy(k));
      }
      return id(name);
    }

    /** The id of a value's blocked form, adding the reorder that makes it if none exists yet. */
    private int blockedId(String value) {
      Integer b = blockedIds.get(value);
      if (b != null) {
        return b;
      }
      BlockedGeometry g = blocked.geometry(value);
      int id = newBlocked(value, g);
      steps.add(new ExecutionPlan.Step(BlockedReorder.toBlocked(g), new int[] {id(value)},
          new int[] {id}, new Node[0]));
      shares.add(new int[] {-1, 0});
      return id;
    }

    private int newBlocked(String value, BlockedGeometry g) {
      int id = id(BlockedPlan.blockedName(value));
      blockedIds.put(value, id);
      geometryOf.put(id, g);
      return id;
    }

    /**
     * The step of a node (or a fused chain) on the blocked layout: its data inputs and output in
     * blocked form, then a reorder into NCHW when the output is read outside or wanted.
     */
    private void blockedStep(FusionChains.Chain chain) {
      Node host = chain.nodes()[0];
      Node last = chain.last();
      String residual = chain.residual();
      int n = host.inputs().size();
      int data = BlockedPlan.dataInputs(host);
      int[] in = new int[residual == null ? n : n + 1];
      BlockedGeometry[] geoms = new BlockedGeometry[in.length];
      Arrays.fill(in, -1);
      for (int i = 0; i < data; i++) {
        in[i] = blockedId(host.input(i));
        geoms[i] = geometryOf.get(in[i]);
      }
      if (residual != null) {
        in[n] = blockedId(residual);
        geoms[n] = geometryOf.get(in[n]);
      }
      String outName = last.output(0);
      BlockedGeometry og = blocked.geometry(outName);
      int out = newBlocked(outName, og);
      KernelSpec spec = spec(host, in.length, residual, chain.act());
      Kernel k = BlockedKernels.create(spec, geoms, og, pool.threads());
      pool.reserve(k);
      steps.add(new ExecutionPlan.Step(k, in, new int[] {out}, chain.nodes()));
      shares.add(new int[] {-1, 0});
      if (readInNchw.contains(outName)) {
        steps.add(new ExecutionPlan.Step(BlockedReorder.toNchw(og), new int[] {out},
            new int[] {id(outName)}, new Node[0]));
        shares.add(new int[] {-1, 0});
      }
    }

    private ExecutionPlan.Step kernelStep(Node node) {
      int n = node.inputs().size();
      int[] in = new int[n];
      for (int i = 0; i < n; i++) {
        in[i] = bufferId(node, i);
      }
      KernelSpec spec = spec(node, n, null, null);
      Kernel kernel = kernel(spec);
      int[] out = new int[Math.min(node.outputs().size(), Math.max(1, kernel.outputs()))];
      for (int i = 0; i < node.outputs().size(); i++) {
        String o = node.output(i);
        boolean read = !o.isEmpty() && (uses.containsKey(o) || !graph.consumers(o).isEmpty());
        if (i >= out.length) {
          if (read) {
            throw new UnsupportedOperatorException(node.label() + ": output " + i + " ('" + o
                + "') is not supported");
          }
        } else {
          out[i] = i == 0 || read ? id(o) : -1;
        }
      }
      return new ExecutionPlan.Step(kernel, in, out, new Node[] {node});
    }

    /** A Gelu pattern on its own: one element-wise step from its input to its output. */
    private ExecutionPlan.Step unaryStep(FusionChains.Chain chain) {
      String x = chain.nodes()[0].input(0);
      if (known.containsKey(x)) {
        x = chain.nodes()[0].input(1);
      }
      String y = chain.last().output(0);
      Kernel k = UnaryKernel.of(chain.act(), Tensor.checkedSize(shapes.get(y)));
      pool.reserve(k);
      return new ExecutionPlan.Step(k, new int[] {id(x)}, new int[] {id(y)}, chain.nodes());
    }

    private ExecutionPlan.Step fusedStep(FusionChains.Chain chain) {
      Node host = chain.nodes()[0];
      Node last = chain.last();
      String residual = chain.residual();
      int n = host.inputs().size();
      int[] in = new int[residual == null ? n : n + 1];
      for (int i = 0; i < n; i++) {
        in[i] = bufferId(host, i);
      }
      if (residual != null) {
        in[n] = id(residual);
      }
      KernelSpec spec = spec(host, in.length, residual, chain.act());
      return new ExecutionPlan.Step(kernel(spec), in, new int[] {id(last.output(0))},
          chain.nodes());
    }

    private Kernel kernel(KernelSpec spec) {
      Kernel k = CpuKernels.create(spec, pool.threads());
      pool.reserve(k);
      return k;
    }

    private KernelSpec spec(Node node, int count, String residual, Activation act) {
      int n = node.inputs().size();
      int[][] inShapes = new int[count][];
      Tensor[] consts = new Tensor[count];
      for (int i = 0; i < n; i++) {
        String in = node.input(i);
        inShapes[i] = in.isEmpty() ? null : shapes.get(in);
        consts[i] = in.isEmpty() ? null : known.get(in);
      }
      if (residual != null) {
        inShapes[n] = shapes.get(residual);
      }
      int[][] outShapes = new int[node.outputs().size()][];
      int[] outTypes = new int[outShapes.length];
      for (int i = 0; i < outShapes.length; i++) {
        outShapes[i] = node.output(i).isEmpty() ? null : shapes.get(node.output(i));
        outTypes[i] = node.output(i).isEmpty() ? 0
            : types.getOrDefault(node.output(i), ElemType.FLOAT);
      }
      int[] inTypes = new int[count];
      for (int i = 0; i < n; i++) {
        inTypes[i] = node.input(i).isEmpty() ? 0 : types.getOrDefault(node.input(i), 0);
      }
      if (residual != null) {
        inTypes[n] = types.getOrDefault(residual, ElemType.FLOAT);
      }
      return new KernelSpec(node, opset, inShapes, consts, outShapes, act, residual != null,
          inTypes, outTypes);
    }
  }
}

package io.bocomp.engine.cpu;

import io.bocomp.engine.Decompositions;
import io.bocomp.engine.Executable;
import io.bocomp.engine.FeedException;
import io.bocomp.model.Graph;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A graph compiled by {@link CpuBackend}. At compile time every node is checked, and every node
 * whose inputs are all constants is evaluated once (weights stay in place). At run time the call
 * pattern (feed names, types and shapes, plus the wanted names) selects a cached
 * {@link ExecutionPlan} (at most {@value #MAX_PLANS}, least recently used dropped), built on first
 * use by {@link Planner}; all plans share one arena buffer, grown when a plan needs more. Returned
 * tensors are fresh copies the caller owns, except fed tensors asked for back, which are returned
 * as given.
 *
 * <p>Thread-confined, as the {@link Executable} contract says.
 */
final class CpuExecutable implements Executable {
  static final int MAX_PLANS = 16;

  private final Graph graph;
  private final long opset;
  private final WorkerPool pool;
  private final Map<String, Tensor> constants;
  private final Planner planner;
  private final Map<String, ExecutionPlan> plans = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ExecutionPlan> eldest) {
      return size() > MAX_PLANS;
    }
  };
  private FloatBuffer arena = Tensor.allocate(0);
  /** The arena of blocked-layout values ({@link BlockedGeometry}). */
  private float[] heapArena = new float[0];
  private int arenaGeneration;
  private long arenaAllocations;
  private Consumer<Node> listener;
  private boolean closed;

  CpuExecutable(Graph graph, long opset, WorkerPool pool) {
    this.graph = graph;
    this.opset = opset;
    this.pool = pool;
    for (Node n : graph.nodes()) {
      CpuKernels.requireSupported(n);
    }
    for (ValueInfo in : graph.inputs()) {
      if (in.elemType() != 0 && in.elemType() != ValueInfo.ELEM_FLOAT) {
        throw new ModelFormatException("graph input '" + in.name() + "' has element type "
            + in.elemType() + "; bocomp runs float32 inputs only");
      }
    }
    this.constants = foldConstants(graph, opset, pool);
    this.planner = new Planner(graph, opset, constants, pool);
  }

  /** Initializers plus the outputs of every node computable from them alone. */
  private static Map<String, Tensor> foldConstants(Graph graph, long opset, WorkerPool pool) {
    Map<String, Tensor> c = new HashMap<>(graph.initializers());
    for (Node n : graph.nodes()) {
      boolean all = true;
      for (String in : n.inputs()) {
        all &= in.isEmpty() || c.containsKey(in);
      }
      if (!all || (n.inputs().isEmpty() && !n.opType().equals("Constant"))) {
        continue;
      }
      Tensor[] in = new Tensor[n.inputs().size()];
      for (int i = 0; i < in.length; i++) {
        in[i] = n.input(i).isEmpty() ? null : c.get(n.input(i));
      }
      Tensor[] out = NodeEvaluator.evaluate(n, in, opset, pool);
      for (int i = 0; i < out.length && i < n.outputs().size(); i++) {
        if (!n.output(i).isEmpty()) {
          c.put(n.output(i), out[i]);
        }
      }
    }
    return c;
  }

  @Override
  public Graph graph() {
    return graph;
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> feeds, List<String> wanted) {
    return run(feeds, wanted, true);
  }

  /**
   * The tuner's objective without copying the output: the reduction reads the logits once, in the
   * arena where the last kernel wrote them (fused in the sense that no extra pass or copy over the
   * output is made; the reduction itself is {@link Decompositions.DistanceStats#compute}).
   */
  @Override
  public Decompositions.DistanceStats distanceToReference(Map<String, Tensor> feeds, String output,
      Tensor reference) {
    Tensor view = run(feeds, List.of(output), false).get(output);
    return Decompositions.DistanceStats.compute(view, reference);
  }

  private Map<String, Tensor> run(Map<String, Tensor> feeds, List<String> wanted, boolean copyOut) {
    Objects.requireNonNull(feeds, "feeds");
    Objects.requireNonNull(wanted, "wanted");
    if (closed) {
      throw new IllegalStateException("executable is closed");
    }
    String key = key(feeds, wanted);
    ExecutionPlan plan = plans.get(key);
    if (plan == null) {
      checkFeeds(feeds);
      plan = planner.plan(feeds, wanted);
      plans.put(key, plan);
    }
    boolean direct = arena.capacity() < plan.arenaFloats();
    boolean heap = heapArena.length < plan.heapFloats();
    if (direct) {
      arena = Tensor.allocate(plan.arenaFloats());
    }
    if (heap) {
      heapArena = new float[plan.heapFloats()];
    }
    if (direct || heap) {
      arenaGeneration++;
      arenaAllocations++;
    }
    return plan.execute(feeds, arena, heapArena, arenaGeneration, pool, listener, copyOut);
  }

  private void checkFeeds(Map<String, Tensor> feeds) {
    for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
      String name = e.getKey();
      Tensor t = Objects.requireNonNull(e.getValue(), () -> "feed '" + name + "' is null");
      if (graph.isInitializer(name)) {
        throw new FeedException("'" + name + "' is a weight (initializer) and cannot be fed");
      }
      ValueInfo declared = graph.inputs().stream().filter(v -> v.name().equals(name)).findFirst()
          .orElse(null);
      if (declared == null && graph.producer(name).isEmpty()) {
        throw new FeedException("no value named '" + name + "' in graph '" + graph.name() + "'");
      }
      if (declared == null) {
        declared = graph.valueInfo(name).orElse(null);
      }
      if (declared != null && declared.elemType() == ValueInfo.ELEM_FLOAT && !t.isFloat()) {
        throw new FeedException("feed '" + name + "' is " + t.dtype() + ", the model expects"
            + " float32");
      }
      if (t.size() == 0) {
        throw new FeedException("feed '" + name + "' is empty (shape "
            + Arrays.toString(t.shape()) + ")");
      }
      int[] expect = declared == null ? null : declared.shape();
      if (expect != null && !accepts(expect, t.shape())) {
        throw new FeedException("input '" + name + "' has shape " + Arrays.toString(t.shape())
            + " but the model expects " + describe(declared));
      }
    }
  }

  private static boolean accepts(int[] expect, int[] got) {
    if (expect.length != got.length) {
      return false;
    }
    for (int i = 0; i < got.length; i++) {
      if (expect[i] >= 0 && expect[i] != got[i]) {
        return false;
      }
    }
    return true;
  }

  private static String describe(ValueInfo v) {
    int[] s = v.shape();
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < s.length; i++) {
      if (i > 0) {
        b.append(", ");
      }
      String p = v.dimParam(i);
      b.append(s[i] >= 0 ? Integer.toString(s[i]) : p != null && !p.isEmpty() ? p : "?");
    }
    return b.append(']').toString();
  }

  /** The plan cache key: feed names with element type and shape, then the wanted names. */
  private static String key(Map<String, Tensor> feeds, List<String> wanted) {
    StringBuilder b = new StringBuilder();
    feeds.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      Tensor t = e.getValue();
      b.append(e.getKey().length()).append(':').append(e.getKey())
          .append(t == null ? "null" : t.isFloat() ? "f" : "i")
          .append(t == null ? "" : Arrays.toString(t.shape()));
      if (t != null && !t.isFloat()) {
        b.append(Arrays.toString(t.toLongArray()));
      }
    });
    b.append('|');
    for (String w : wanted) {
      b.append(w.length()).append(':').append(w);
    }
    return b.toString();
  }

  /** Test hook: called with every node a run executes (fused nodes included, in order). */
  void setNodeListener(Consumer<Node> listener) {
    this.listener = listener;
  }

  /**
   * Runs that (re)allocated the arenas (direct, heap or both); flat once every call pattern has
   * been seen.
   */
  long arenaAllocations() {
    return arenaAllocations;
  }

  /** Times any worker's scratch grew (shared by all executables of the backend). */
  long scratchAllocations() {
    return pool.scratchAllocations();
  }

  int cachedPlans() {
    return plans.size();
  }

  /**
   * Number of steps running graph nodes in the plan for this call pattern (building it if
   * needed); layout reorders are not counted.
   */
  int stepCount(Map<String, Tensor> feeds, List<String> wanted) {
    return planFor(feeds, wanted).stepCount();
  }

  /** Threads of the backend's pool. */
  int threads() {
    return pool.threads();
  }

  /** Number of layout reorders in the plan for this call pattern. */
  int reorderCount(Map<String, Tensor> feeds, List<String> wanted) {
    return planFor(feeds, wanted).reorderCount();
  }

  private ExecutionPlan planFor(Map<String, Tensor> feeds, List<String> wanted) {
    String key = key(feeds, wanted);
    ExecutionPlan plan = plans.get(key);
    if (plan == null) {
      checkFeeds(feeds);
      plan = planner.plan(feeds, wanted);
      plans.put(key, plan);
    }
    return plan;
  }

  @Override
  public void close() {
    closed = true;
    plans.clear();
    arena = Tensor.allocate(0);
    heapArena = new float[0];
  }
}

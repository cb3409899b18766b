package io.bocomp.cuda;

import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A graph compiled for the GPU ({@link CudaBackend#compile}). Weights live on the device
 * ({@link DeviceWeights}, uploaded once per tuning run); activations live in one arena planned by
 * liveness ({@link ArenaPlanner}) per feed-shape signature and reused by every later run with that
 * signature; view ops (Flatten, Reshape, ...) cost nothing. Like every {@link Executable}, a run
 * computes only what the wanted values need, taking fed values (graph inputs or cached
 * intermediates) as given.
 *
 * <p>Three entry points: {@link #run} (host tensors in and out), {@link #runOnDevice} (device
 * tensors in, device views out, valid until the backend's next run), and
 * {@link #distanceToReference}, the tuner's per-trial path: feeds and reference are uploaded once
 * (device copies keyed by tensor identity), the network runs on the GPU, the fused distance kernel
 * reduces against the reference there, and only n + 2 numbers come back.
 *
 * <p>One caller at a time (it locks its backend). Close to release its weights.
 */
public final class CudaExecutable implements Executable {
  private static final int MAX_PLANS = 8;

  private final CudaBackend backend;
  private final Graph graph;
  private final List<GpuOp> ops;
  private final Map<String, DeviceTensor> weights = new HashMap<>();
  private final Map<String, Plan> plans = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Plan> eldest) {
      return size() > MAX_PLANS;
    }
  };
  private boolean closed;

  CudaExecutable(CudaBackend backend, Graph graph) {
    this.backend = backend;
    this.graph = graph;
    this.ops = GpuOps.compile(graph);  // validates everything before any device work
    try {
      for (GpuOp op : ops) {
        op.bind();
      }
      for (Node node : graph.nodes()) {
        for (String in : node.inputs()) {
          Tensor t = in.isEmpty() ? null : graph.initializer(in);
          if (t != null && t.isFloat() && !weights.containsKey(in)) {
            weights.put(in, backend.weights().acquire(t));
          }
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public Graph graph() {
    return graph;
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> feeds, List<String> wanted) {
    synchronized (backend) {
      ensureOpen();
      Map<String, int[]> shapes = new TreeMap<>();
      for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
        if (!e.getValue().isFloat()) {
          throw new IllegalArgumentException("feed '" + e.getKey() + "' is " + e.getValue()
              + "; the GPU backend takes float32 feeds");
        }
        shapes.put(e.getKey(), e.getValue().shape());
      }
      Plan plan = plan(shapes, wanted, true);
      Lane lane = backend.lane();
      backend.arena().reserve(plan.total);
      Map<String, DeviceTensor> fed = new HashMap<>();
      for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
        Long offset = plan.feedOffsets.get(e.getKey());
        if (offset == null) {
          continue;  // not needed for the wanted values
        }
        DeviceTensor slot = DeviceTensor.view(backend.arena().address(offset), e.getValue().shape());
        lane.upload(slot.address(), e.getValue().data(), e.getValue().byteSize());
        fed.put(e.getKey(), slot);
      }
      Map<String, DeviceTensor> values = execute(plan, fed, lane);
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (String w : wanted) {
        DeviceTensor d = values.get(w);
        Tensor host = Tensor.zeros(d.shape());
        lane.download(host.data(), d.address(), 4L * d.size());
        out.put(w, host);
      }
      return out;
    }
  }

  /**
   * Runs on device feeds (contiguous float tensors, read in place) and returns device views of the
   * wanted values, valid until the next run on this executable's backend.
   */
  public Map<String, DeviceTensor> runOnDevice(Map<String, DeviceTensor> feeds, List<String> wanted) {
    synchronized (backend) {
      ensureOpen();
      Map<String, int[]> shapes = new TreeMap<>();
      for (Map.Entry<String, DeviceTensor> e : feeds.entrySet()) {
        if (!e.getValue().isContiguous()) {
          throw new IllegalArgumentException("feed '" + e.getKey() + "' is a strided view");
        }
        shapes.put(e.getKey(), e.getValue().shape());
      }
      Plan plan = plan(shapes, wanted, false);
      backend.arena().reserve(plan.total);
      Map<String, DeviceTensor> values = execute(plan, feeds, backend.lane());
      Map<String, DeviceTensor> out = new LinkedHashMap<>();
      for (String w : wanted) {
        out.put(w, values.get(w));
      }
      return out;
    }
  }

  /** See {@link Executable#distanceToReference}; here the logits never leave the GPU. */
  @Override
  public DistanceStats distanceToReference(Map<String, Tensor> feeds, String output,
      Tensor reference) {
    synchronized (backend) {
      ensureOpen();
      Map<String, DeviceTensor> device = new HashMap<>();
      for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
        device.put(e.getKey(), backend.pinned(e.getValue()));
      }
      DeviceTensor ref = backend.pinned(reference);
      DeviceTensor out = runOnDevice(device, List.of(output)).get(output);
      int[] shape = FusedDistance.checkShapes(out.shape(), ref.shape());
      return backend.distance(out, ref, shape[0], out.size() / shape[0]);
    }
  }

  // ---- planning --------------------------------------------------------------------------------

  /** Everything a run with one feed-shape signature needs, computed once. */
  private static final class Plan {
    final int[] steps;                      // node indices to run, in order
    final Map<String, int[]> shapes = new HashMap<>();
    final Map<String, Long> valueOffsets = new HashMap<>();  // non-view outputs
    final Map<String, Long> feedOffsets = new HashMap<>();   // host feeds only
    final long[] scratchOffsets;            // per step, -1 when none
    long total;

    Plan(int[] steps) {
      this.steps = steps;
      this.scratchOffsets = new long[steps.length];
    }
  }

  private Plan plan(Map<String, int[]> feedShapes, List<String> wanted, boolean hostFeeds) {
    String key = (hostFeeds ? "H" : "D") + wanted + feedShapes.entrySet().stream()
        .map(e -> e.getKey() + Arrays.toString(e.getValue())).toList();
    Plan cached = plans.get(key);
    if (cached != null) {
      return cached;
    }
    Plan plan = new Plan(neededSteps(feedShapes.keySet(), wanted));
    List<Node> nodes = graph.nodes();
    plan.shapes.putAll(feedShapes);
    // shapes, step by step
    for (int s : plan.steps) {
      Node node = nodes.get(s);
      int[][] in = new int[node.inputs().size()][];
      for (int i = 0; i < in.length; i++) {
        in[i] = shapeOf(plan, node.input(i));
      }
      plan.shapes.put(node.output(0), ops.get(s).outputShape(in));
    }
    // liveness: feeds are made at step 0, step p's node at p + 1; wanted values live to the end
    int end = plan.steps.length + 1;
    Map<String, String> root = new HashMap<>();
    Map<String, int[]> life = new LinkedHashMap<>();  // root -> {first, last}
    if (hostFeeds) {
      for (String f : feedShapes.keySet()) {
        root.put(f, f);
        life.put(f, new int[] {0, 0});
      }
    }
    for (int p = 0; p < plan.steps.length; p++) {
      Node node = nodes.get(plan.steps[p]);
      for (String in : node.inputs()) {
        String r = root.get(in);
        if (r != null) {
          life.get(r)[1] = Math.max(life.get(r)[1], p + 1);
        }
      }
      String out = node.output(0);
      if (ops.get(plan.steps[p]).isView()) {
        String r = root.get(node.input(0));
        if (r != null) {
          root.put(out, r);
        }
      } else {
        root.put(out, out);
        life.put(out, new int[] {p + 1, p + 1});
      }
    }
    for (String w : wanted) {
      String r = root.get(w);
      if (r != null) {
        life.get(r)[1] = end;
      }
    }
    List<String> names = new ArrayList<>(life.keySet());
    int count = names.size() + plan.steps.length;
    long[] bytes = new long[count];
    int[] first = new int[count];
    int[] last = new int[count];
    for (int i = 0; i < names.size(); i++) {
      bytes[i] = 4L * Tensor.checkedSize(plan.shapes.get(names.get(i)));
      first[i] = life.get(names.get(i))[0];
      last[i] = life.get(names.get(i))[1];
    }
    for (int p = 0; p < plan.steps.length; p++) {
      Node node = nodes.get(plan.steps[p]);
      int[][] in = new int[node.inputs().size()][];
      for (int i = 0; i < in.length; i++) {
        in[i] = shapeOf(plan, node.input(i));
      }
      int slot = names.size() + p;
      bytes[slot] = 4L * ops.get(plan.steps[p]).scratchFloats(in, plan.shapes.get(node.output(0)));
      first[slot] = p + 1;
      last[slot] = p + 1;
    }
    ArenaPlanner.Plan placed = ArenaPlanner.plan(bytes, first, last);
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      (feedShapes.containsKey(n) ? plan.feedOffsets : plan.valueOffsets).put(n, placed.offsets()[i]);
    }
    for (int p = 0; p < plan.steps.length; p++) {
      int slot = names.size() + p;
      plan.scratchOffsets[p] = bytes[slot] == 0 ? -1 : placed.offsets()[slot];
    }
    plan.total = placed.total();
    plans.put(key, plan);
    return plan;
  }

  private int[] shapeOf(Plan plan, String value) {
    if (value.isEmpty()) {
      return null;
    }
    int[] s = plan.shapes.get(value);
    if (s != null) {
      return s;
    }
    Tensor init = graph.initializer(value);
    if (init != null) {
      return init.shape();
    }
    throw new IllegalArgumentException("value '" + value + "' has no known shape");
  }

  /** Indices of the nodes the wanted values need, given the fed values. */
  private int[] neededSteps(Set<String> fed, List<String> wanted) {
    List<Node> nodes = graph.nodes();
    Set<String> need = new HashSet<>(wanted);
    boolean[] run = new boolean[nodes.size()];
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node node = nodes.get(i);
      for (int o = 0; o < node.outputs().size(); o++) {
        String out = node.output(o);
        if (out.isEmpty() || !need.contains(out) || fed.contains(out)) {
          continue;
        }
        if (o > 0) {
          throw new IllegalArgumentException("value '" + out + "' is output " + o + " of "
              + node.label() + "; the GPU backend computes only first outputs");
        }
        run[i] = true;
        for (String in : node.inputs()) {
          if (!in.isEmpty() && !graph.isInitializer(in) && !fed.contains(in)) {
            need.add(in);
          }
        }
      }
    }
    for (String v : need) {
      boolean made = fed.contains(v) || graph.isInitializer(v)
          || graph.producer(v).map(p -> run[nodes.indexOf(p)]).orElse(false);
      if (!made) {
        throw new IllegalArgumentException("value '" + v + "' is neither fed nor computed by graph '"
            + graph.name() + "'");
      }
    }
    List<Integer> steps = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (run[i]) {
        steps.add(i);
      }
    }
    return steps.stream().mapToInt(Integer::intValue).toArray();
  }

  // ---- execution -------------------------------------------------------------------------------

  private Map<String, DeviceTensor> execute(Plan plan, Map<String, DeviceTensor> fed, Lane lane) {
    DeviceArena arena = backend.arena();
    Map<String, DeviceTensor> values = new HashMap<>(weights);
    values.putAll(fed);
    List<Node> nodes = graph.nodes();
    for (int p = 0; p < plan.steps.length; p++) {
      Node node = nodes.get(plan.steps[p]);
      GpuOp op = ops.get(plan.steps[p]);
      DeviceTensor[] in = new DeviceTensor[node.inputs().size()];
      for (int i = 0; i < in.length; i++) {
        in[i] = node.input(i).isEmpty() ? null : values.get(node.input(i));
      }
      int[] shape = plan.shapes.get(node.output(0));
      DeviceTensor out = op.isView() ? DeviceTensor.view(in[0].address(), shape)
          : DeviceTensor.view(arena.address(plan.valueOffsets.get(node.output(0))), shape);
      long scratch = plan.scratchOffsets[p] < 0 ? 0 : arena.address(plan.scratchOffsets[p]);
      op.enqueue(lane, in, out, scratch);
      values.put(node.output(0), out);
    }
    return values;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("executable for graph '" + graph.name() + "' is closed");
    }
  }

  /** Releases this executable's weights (cached by the backend while its budget allows). */
  @Override
  public void close() {
    synchronized (backend) {
      if (closed) {
        return;
      }
      closed = true;
      for (GpuOp op : ops == null ? List.<GpuOp>of() : ops) {
        op.release();
      }
      for (String name : weights.keySet()) {
        backend.weights().release(graph.initializer(name));
      }
      weights.clear();
    }
  }
}

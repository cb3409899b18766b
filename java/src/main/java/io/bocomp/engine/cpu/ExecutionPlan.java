package io.bocomp.engine.cpu;

import io.bocomp.model.ElemType;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A graph compiled for one set of feed names and shapes and one list of wanted values: the steps
 * to run (kernels with their fixed shapes, views), the storage of every value (feed, constant or
 * arena offset, from {@link ArenaLayout}) and where each wanted value comes from. Built by
 * {@link Planner}; run many times by {@link CpuExecutable}.
 */
final class ExecutionPlan {
  /** One executed unit: a kernel (null for a view) over value ids (-1: no buffer). */
  static final class Step {
    final Kernel kernel;
    final int[] in;
    final int[] out;
    final Node[] nodes;
    private final FloatBuffer[] inBufs;
    private final FloatBuffer[] outBufs;

    Step(Kernel kernel, int[] in, int[] out, Node[] nodes) {
      this.kernel = kernel;
      this.in = in;
      this.out = out;
      this.nodes = nodes;
      this.inBufs = new FloatBuffer[in.length];
      this.outBufs = new FloatBuffer[out.length];
    }
  }

  /** Where a wanted value comes from. */
  static final class Output {
    final String name;
    /** The caller's own tensor (a fed value), returned as is. */
    final String feed;
    /** A value known at plan time, returned as a copy. */
    final Tensor known;
    /** A computed value id (copied out after the run), or -1. */
    final int value;
    final int[] shape;
    /** The computed value's ONNX element type: integer and bool values come back as int64. */
    final int elemType;

    Output(String name, String feed, Tensor known, int value, int[] shape, int elemType) {
      this.name = name;
      this.feed = feed;
      this.known = known;
      this.value = value;
      this.shape = shape;
      this.elemType = elemType;
    }
  }

  /** Profiling hook: told each kernel step's duration. */
  interface StepTimer {
    void step(String node, String kernel, long nanos);
  }

  /** Test and profiling hook (null: off). */
  static volatile StepTimer stepTimer;

  private final Step[] steps;
  private final ArenaLayout layout;
  private final int[] valueSize;
  /** Per value: the feed name it is (root values only), else null. */
  private final String[] feedName;
  /** Per value: the constant tensor it is (root values only), else null. */
  private final Tensor[] constant;
  private final List<Output> outputs;
  private final FloatBuffer[] buffers;
  private int boundGeneration = -1;

  ExecutionPlan(Step[] steps, ArenaLayout layout, int[] valueSize, String[] feedName,
      Tensor[] constant, List<Output> outputs) {
    this.steps = steps;
    this.layout = layout;
    this.valueSize = valueSize;
    this.feedName = feedName;
    this.constant = constant;
    this.outputs = outputs;
    this.buffers = new FloatBuffer[valueSize.length];
  }

  int arenaFloats() {
    return layout.arenaFloats();
  }

  /** Floats of the heap arena the blocked-layout values need. */
  int heapFloats() {
    return layout.heapFloats();
  }

  /** Steps that run graph nodes (layout reorders, which run none, are not counted). */
  int stepCount() {
    int n = 0;
    for (Step s : steps) {
      n += s.nodes.length > 0 ? 1 : 0;
    }
    return n;
  }

  /** Steps that only change a value's layout ({@link BlockedReorder}). */
  int reorderCount() {
    return steps.length - stepCount();
  }

  /**
   * Runs the steps and returns the wanted values.
   *
   * @param arena the executable's arena, at least {@link #arenaFloats()} long
   * @param heapArena the executable's heap arena, at least {@link #heapFloats()} long
   * @param generation the arenas' generation: buffers are re-sliced when it changes
   * @param copyOut with false, computed values are returned as views of the arena where the last
   *     step wrote them (no copy), valid only until the executable runs again
   */
  Map<String, Tensor> execute(Map<String, Tensor> feeds, FloatBuffer arena, float[] heapArena,
      int generation, WorkerPool pool, Consumer<Node> listener, boolean copyOut) {
    bind(feeds, arena, heapArena, generation);
    StepTimer timer = stepTimer;
    for (Step s : steps) {
      if (s.kernel != null) {
        for (int i = 0; i < s.in.length; i++) {
          s.inBufs[i] = s.in[i] < 0 ? null : buffers[s.in[i]];
        }
        for (int i = 0; i < s.out.length; i++) {
          s.outBufs[i] = s.out[i] < 0 ? null : buffers[s.out[i]];
        }
        long t0 = timer == null ? 0 : System.nanoTime();
        s.kernel.run(s.inBufs, s.outBufs, pool);
        if (timer != null) {
          timer.step(s.nodes.length > 0 ? s.nodes[0].opType() + " " + s.nodes[0].name()
              : "(reorder)", s.kernel.toString(), System.nanoTime() - t0);
        }
      }
      if (listener != null) {
        for (Node n : s.nodes) {
          listener.accept(n);
        }
      }
    }
    Map<String, Tensor> result = new LinkedHashMap<>();
    for (Output o : outputs) {
      Tensor t;
      if (o.feed != null) {
        t = feeds.get(o.feed);
      } else if (o.known != null) {
        t = o.known.copy();
      } else if (ElemType.isInteger(o.elemType)) {
        t = integers(o.shape, buffers[o.value], valueSize[o.value], o.elemType);
      } else if (copyOut) {
        t = Tensor.zeros(o.shape);
        t.data().put(0, buffers[o.value], 0, valueSize[o.value]);
      } else {
        t = Tensor.wrap(o.shape, buffers[o.value]);
      }
      result.put(o.name, t);
    }
    return result;
  }

  /** An int64 tensor of the float-coded integers in {@code b}. */
  private static Tensor integers(int[] shape, FloatBuffer b, int n, int elemType) {
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = (long) b.get(i);
    }
    return Tensor.ofLongs(shape, v).withElemType(elemType);
  }

  private void bind(Map<String, Tensor> feeds, FloatBuffer arena, float[] heapArena,
      int generation) {
    boolean rebind = generation != boundGeneration;
    for (int v = 0; v < buffers.length; v++) {
      int r = layout.root(v);
      if (feedName[r] != null) {
        buffers[v] = feeds.get(feedName[r]).data();
      } else if (rebind) {
        if (constant[r] != null) {
          buffers[v] = constant[r].data();
        } else if (layout.offset(v) >= 0 && layout.heap(v)) {
          buffers[v] = FloatBuffer.wrap(heapArena, layout.offset(v), valueSize[v]).slice();
        } else if (layout.offset(v) >= 0) {
          int off = layout.offset(v);
          buffers[v] = arena.duplicate().clear().position(off).limit(off + valueSize[v]).slice();
        }
      }
    }
    boundGeneration = generation;
  }
}

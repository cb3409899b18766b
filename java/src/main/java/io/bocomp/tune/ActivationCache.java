package io.bocomp.tune;

import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The original graph's activations at layer boundaries, computed once per sample batch, so that a
 * compressed network is re-run only from its first changed layer.
 *
 * <p>The boundary before node k is the cut of the graph there: every value produced before k (or
 * a graph input) that some node at or after k (or a graph output) reads; constants (initializers
 * and values computed from them alone) are left out, the executable folds them itself. Feeding a
 * cut lets {@link Executable#run} skip every node before k, including residual branches that join
 * after k. Boundaries whose activations would exceed the memory limit are dropped, earliest first
 * (they save the least computation); the graph inputs (boundary 0) are always available.
 */
final class ActivationCache {
  private static final Logger LOG = Logger.getLogger(ActivationCache.class.getName());

  /** The values to feed to start at node {@code nodeIndex}, one map per sample batch. */
  record Boundary(int nodeIndex, List<Map<String, Tensor>> feeds) {}

  private final TreeMap<Integer, Boundary> boundaries = new TreeMap<>();
  private final long bytes;

  /**
   * @param original the compiled original graph
   * @param graph the graph whose node indices {@code cuts} refer to (the compiled one's graph)
   * @param batches sample batches for the graph's first input
   * @param cuts node indices to cache boundaries before
   * @param maxBytes memory limit for the cached activations
   */
  ActivationCache(Executable original, Graph graph, List<Tensor> batches, SortedSet<Integer> cuts,
      long maxBytes) {
    String input = graph.inputs().get(0).name();
    Map<Integer, Set<String>> cutValues = new LinkedHashMap<>();
    for (int k : cuts) {
      if (k > 0) {
        cutValues.put(k, cut(graph, k));
      }
    }
    int maxBatch = 0;
    for (Tensor b : batches) {
      maxBatch = Math.max(maxBatch, b.dim(0));
    }
    // Drop the earliest boundaries until the distinct values fit.
    List<Integer> kept = new ArrayList<>(cutValues.keySet());
    while (!kept.isEmpty() && estimate(graph, cutValues, kept, batches) > maxBytes) {
      int dropped = kept.remove(0);
      LOG.fine(() -> "activation cache: boundary before node " + dropped
          + " dropped (memory limit " + maxBytes + " bytes)");
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (int k : kept) {
      wanted.addAll(cutValues.get(k));
    }
    wanted.remove(input);
    List<Map<String, Tensor>> perBatch = new ArrayList<>();
    long total = 0;
    for (Tensor b : batches) {
      Map<String, Tensor> acts = new HashMap<>(
          wanted.isEmpty() ? Map.of() : original.run(Map.of(input, b), List.copyOf(wanted)));
      acts.put(input, b);
      for (String v : wanted) {
        total += acts.get(v).byteSize();
      }
      perBatch.add(acts);
    }
    this.bytes = total;
    List<Map<String, Tensor>> inputs = new ArrayList<>();
    for (Tensor b : batches) {
      inputs.add(Map.of(input, b));
    }
    boundaries.put(0, new Boundary(0, inputs));
    for (int k : kept) {
      List<Map<String, Tensor>> feeds = new ArrayList<>();
      for (Map<String, Tensor> acts : perBatch) {
        Map<String, Tensor> f = new LinkedHashMap<>();
        for (String v : cutValues.get(k)) {
          f.put(v, acts.get(v));
        }
        feeds.add(f);
      }
      boundaries.put(k, new Boundary(k, feeds));
    }
  }

  /** The latest cached boundary at or before node {@code nodeIndex}. */
  Boundary before(int nodeIndex) {
    return boundaries.floorEntry(nodeIndex).getValue();
  }

  /** Node indices with a cached boundary (0 included). */
  Set<Integer> indices() {
    return boundaries.keySet();
  }

  /** Bytes of cached activations (graph inputs not counted). */
  long bytes() {
    return bytes;
  }

  /** The cut before node k (see the class comment). */
  static Set<String> cut(Graph g, int k) {
    List<Node> nodes = g.nodes();
    Set<String> constant = constants(g);
    Set<String> produced = new HashSet<>();
    for (ValueInfo in : g.inputs()) {
      produced.add(in.name());
    }
    for (int i = 0; i < k; i++) {
      for (String o : nodes.get(i).outputs()) {
        if (!o.isEmpty()) {
          produced.add(o);
        }
      }
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = k; i < nodes.size(); i++) {
      for (String in : nodes.get(i).inputs()) {
        if (produced.contains(in) && !constant.contains(in)) {
          out.add(in);
        }
      }
    }
    for (ValueInfo o : g.outputs()) {
      if (produced.contains(o.name()) && !constant.contains(o.name())) {
        out.add(o.name());
      }
    }
    return out;
  }

  /** Initializers and the outputs of nodes computed from constants alone. */
  private static Set<String> constants(Graph g) {
    Set<String> c = new HashSet<>(g.initializers().keySet());
    for (Node n : g.nodes()) {
      boolean all = !n.inputs().isEmpty() || n.opType().equals("Constant");
      for (String in : n.inputs()) {
        all &= in.isEmpty() || c.contains(in);
      }
      if (all) {
        for (String o : n.outputs()) {
          if (!o.isEmpty()) {
            c.add(o);
          }
        }
      }
    }
    return c;
  }

  private static long estimate(Graph g, Map<Integer, Set<String>> cutValues, List<Integer> kept,
      List<Tensor> batches) {
    Set<String> values = new HashSet<>();
    for (int k : kept) {
      values.addAll(cutValues.get(k));
    }
    long perSample = 0;
    for (String v : values) {
      int[] s = g.valueInfo(v).map(ValueInfo::shape).orElse(null);
      if (s == null) {
        continue;
      }
      long e = 4;
      for (int d = 1; d < s.length; d++) {
        e *= Math.max(1, s[d]);
      }
      perSample += e;
    }
    long samples = 0;
    for (Tensor b : batches) {
      samples += b.dim(0);
    }
    return perSample * samples;
  }
}

package io.bocomp.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Orders a graph's nodes so each comes after the producers of its inputs, and checks the graph is
 * well formed on the way: every value is produced once (single assignment), every input a node
 * reads is produced by a node or is a graph input or initializer, every graph output exists, and
 * there is no cycle.
 *
 * <p>Algorithm: Kahn's algorithm with a priority queue keyed on the original position, so the order
 * is deterministic and an already-sorted list comes back unchanged. O(V log V + E).
 */
public final class TopologicalOrder {
  private TopologicalOrder() {}

  /**
   * The nodes in topological order.
   *
   * @param nodes the nodes, in any order
   * @param available values present before any node runs (graph inputs and initializers)
   * @param outputs graph output names
   * @throws ModelFormatException naming the node and value at fault
   */
  public static List<Node> sort(List<Node> nodes, Collection<String> available, List<String> outputs) {
    Set<String> given = new HashSet<>(available);
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      for (String o : n.outputs()) {
        if (o.isEmpty()) {
          continue;
        }
        if (given.contains(o)) {
          throw new ModelFormatException(n.label() + " produces value '" + o
              + "', which is already a graph input or initializer");
        }
        Integer prev = producer.putIfAbsent(o, i);
        if (prev != null) {
          throw new ModelFormatException("value '" + o + "' is produced by both "
              + nodes.get(prev).label() + " and " + n.label());
        }
      }
    }
    int[] pending = new int[nodes.size()];
    List<List<Integer>> dependents = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      dependents.add(new ArrayList<>(2));
    }
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      Set<Integer> deps = new HashSet<>();
      for (String in : n.inputs()) {
        if (in.isEmpty()) {
          continue;
        }
        Integer p = producer.get(in);
        if (p != null) {
          deps.add(p);
        } else if (!given.contains(in)) {
          throw new ModelFormatException(n.label() + " reads value '" + in
              + "', which no node produces and is not a graph input or initializer");
        }
      }
      pending[i] = deps.size();
      for (int p : deps) {
        dependents.get(p).add(i);
      }
    }
    for (String o : outputs) {
      if (!producer.containsKey(o) && !given.contains(o)) {
        throw new ModelFormatException("graph output '" + o + "' is never produced");
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<Node> order = new ArrayList<>(nodes.size());
    boolean[] done = new boolean[nodes.size()];
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(nodes.get(i));
      done[i] = true;
      for (int d : dependents.get(i)) {
        if (--pending[d] == 0) {
          ready.add(d);
        }
      }
    }
    if (order.size() < nodes.size()) {
      throw new ModelFormatException("graph has a cycle: " + describeCycle(nodes, producer, done));
    }
    return order;
  }

  /**
   * Walks back from the first unsorted node through unsorted producers until a node repeats: every
   * unsorted node has an unsorted producer, so the walk must close a cycle.
   */
  private static String describeCycle(List<Node> nodes, Map<String, Integer> producer, boolean[] done) {
    int start = 0;
    while (done[start]) {
      start++;
    }
    List<Integer> path = new ArrayList<>();
    List<String> via = new ArrayList<>();
    Map<Integer, Integer> seenAt = new HashMap<>();
    int cur = start;
    while (!seenAt.containsKey(cur)) {
      seenAt.put(cur, path.size());
      path.add(cur);
      int next = -1;
      for (String in : nodes.get(cur).inputs()) {
        Integer p = producer.get(in);
        if (p != null && !done[p]) {
          next = p;
          via.add(in);
          break;
        }
      }
      cur = next;
    }
    int first = seenAt.get(cur);
    StringBuilder sb = new StringBuilder(nodes.get(path.get(first)).label());
    for (int k = first; k < path.size(); k++) {
      int from = k + 1 < path.size() ? path.get(k + 1) : cur;
      sb.append(" reads '").append(via.get(k)).append("' from ").append(nodes.get(from).label());
      if (k + 1 < path.size()) {
        sb.append(", which");
      }
    }
    return sb.toString();
  }
}

package io.bocomp.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes nodes none of whose outputs reaches a graph output, then initializers no remaining node
 * reads (and that are not graph outputs), and value infos of values that no longer exist. Graph
 * inputs are kept even when unused: they are the model's interface. One backward sweep over the
 * topologically ordered nodes: O(V + E).
 */
public final class DeadNodeElimination implements GraphPass {

  @Override
  public String name() {
    return "dead-node-elimination";
  }

  @Override
  public Graph apply(Graph g) {
    Set<String> live = new HashSet<>();
    g.outputs().forEach(v -> live.add(v.name()));
    List<Node> kept = new ArrayList<>();
    List<Node> nodes = g.nodes();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      if (!Collections.disjoint(n.outputs(), live)) {
        kept.add(n);
        for (String in : n.inputs()) {
          if (!in.isEmpty()) {
            live.add(in);
          }
        }
      }
    }
    Collections.reverse(kept);
    boolean unusedInit = false;
    for (String name : g.initializers().keySet()) {
      unusedInit |= !live.contains(name);
    }
    if (kept.size() == nodes.size() && !unusedInit) {
      return g;
    }
    Graph.Builder b = g.toBuilder();
    b.nodes().clear();
    kept.forEach(b::addNode);
    b.initializers().keySet().retainAll(live);
    Set<String> produced = new HashSet<>();
    kept.forEach(n -> produced.addAll(n.outputs()));
    Map<String, ValueInfo> infos = b.valueInfos();
    infos.keySet().retainAll(produced);
    return b.build();
  }
}

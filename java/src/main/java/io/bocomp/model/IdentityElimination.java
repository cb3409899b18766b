package io.bocomp.model;

import io.bocomp.model.op.OpTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes nodes that are the identity at inference: {@code Identity}, and {@code Dropout} when its
 * mask output is unused and it is not forced into training mode (no {@code training_mode} input, or
 * one that is a constant false).
 *
 * <p>Readers of the removed node's output read its input instead. Graph output names are part of
 * the model's interface and stay stable: when the removed node produces a graph output, the
 * upstream value is renamed to the output's name instead. That is impossible when the upstream
 * value is itself a graph input, an initializer or another graph output; such a node is kept.
 */
public final class IdentityElimination implements GraphPass {

  @Override
  public String name() {
    return "identity-elimination";
  }

  @Override
  public Graph apply(Graph g) {
    Map<String, String> alias = new HashMap<>(); // removed value -> value to read instead
    Map<String, String> rename = new HashMap<>(); // produced value -> graph output name it takes
    List<Node> kept = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (isRemovable(n, g)) {
        String x = resolve(n.input(0), alias);
        String y = n.output(0);
        if (!g.isOutput(y)) {
          alias.put(y, x);
          continue;
        }
        boolean renamable = g.producer(x).isPresent() && !g.isOutput(x) && !g.isInitializer(x)
            && !rename.containsKey(x);
        if (renamable) {
          rename.put(x, y);
          continue;
        }
      }
      kept.add(n);
    }
    if (kept.size() == g.nodes().size()) {
      return g;
    }
    Graph.Builder b = g.toBuilder();
    b.nodes().clear();
    for (Node n : kept) {
      List<String> ins = new ArrayList<>(n.inputs().size());
      for (String v : n.inputs()) {
        String r = resolve(v, alias);
        ins.add(rename.getOrDefault(r, r));
      }
      List<String> outs = new ArrayList<>(n.outputs().size());
      for (String v : n.outputs()) {
        outs.add(rename.getOrDefault(v, v));
      }
      b.addNode(n.toBuilder().inputs(ins).outputs(outs).build());
    }
    Map<String, ValueInfo> infos = new LinkedHashMap<>(b.valueInfos());
    b.valueInfos().clear();
    for (ValueInfo v : infos.values()) {
      if (!alias.containsKey(v.name()) && !rename.containsKey(v.name())) {
        b.valueInfo(v);
      }
    }
    return b.build();
  }

  private static String resolve(String v, Map<String, String> alias) {
    String r = v;
    for (String next = alias.get(r); next != null; next = alias.get(r)) {
      r = next;
    }
    return r;
  }

  private static boolean isRemovable(Node n, Graph g) {
    if (!OpTable.DEFAULT_DOMAINS.contains(n.domain()) || n.input(0).isEmpty()
        || n.outputs().isEmpty() || n.output(0).isEmpty()) {
      return false;
    }
    if (n.opType().equals("Identity")) {
      return true;
    }
    if (!n.opType().equals("Dropout")) {
      return false;
    }
    if (n.outputs().size() > 1) {
      String mask = n.output(1);
      if (!mask.isEmpty() && (!g.consumers(mask).isEmpty() || g.isOutput(mask))) {
        return false;
      }
    }
    String training = n.input(2);
    if (training.isEmpty()) {
      return true;
    }
    Tensor t = g.initializer(training);
    return t != null && t.size() == 1 && t.getLong(0) == 0;
  }
}

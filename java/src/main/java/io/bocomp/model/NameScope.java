package io.bocomp.model;

import java.util.HashSet;
import java.util.Set;

/**
 * Hands out value and node names that clash with none already in use: {@code base} itself when
 * free, else {@code base_1}, {@code base_2}, ... Deterministic for a given graph and call order.
 */
final class NameScope {
  private final Set<String> used = new HashSet<>();

  /** A scope holding every name a graph uses: node names and all value names. */
  static NameScope of(Graph g) {
    NameScope s = new NameScope();
    for (Node n : g.nodes()) {
      s.used.add(n.name());
      s.used.addAll(n.inputs());
      s.used.addAll(n.outputs());
    }
    s.used.addAll(g.initializers().keySet());
    g.inputs().forEach(v -> s.used.add(v.name()));
    g.outputs().forEach(v -> s.used.add(v.name()));
    return s;
  }

  static NameScope empty() {
    return new NameScope();
  }

  /** A fresh name derived from {@code base}, now reserved. */
  String fresh(String base) {
    String n = base;
    for (int k = 1; !used.add(n); k++) {
      n = base + "_" + k;
    }
    return n;
  }
}

package io.bocomp.model;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered pipeline of {@link GraphPass}es, applied once each. {@link #standard()} is what bocomp
 * runs after import: {@link IdentityElimination} (so a BN separated from its conv by an Identity
 * still folds), {@link BatchNormFolding}, then {@link DeadNodeElimination} (dropping nodes and the
 * BN parameters left unread). More passes (e.g. constant folding of shape subgraphs) are appended
 * with {@link #then}.
 */
public final class GraphOptimizer {
  private final List<GraphPass> passes;

  public GraphOptimizer(List<GraphPass> passes) {
    this.passes = List.copyOf(passes);
  }

  /** Identity/Dropout removal, BatchNormalization folding, dead-node elimination. */
  public static GraphOptimizer standard() {
    return new GraphOptimizer(List.of(
        new IdentityElimination(), new BatchNormFolding(), new DeadNodeElimination()));
  }

  /** A pipeline running these passes, then {@code pass}. */
  public GraphOptimizer then(GraphPass pass) {
    List<GraphPass> p = new ArrayList<>(passes);
    p.add(pass);
    return new GraphOptimizer(p);
  }

  public List<GraphPass> passes() {
    return passes;
  }

  /** The graph after every pass; the input graph is unchanged. */
  public Graph apply(Graph graph) {
    Graph g = graph;
    for (GraphPass p : passes) {
      g = p.apply(g);
    }
    return g;
  }

  /** The model with its graph optimized. */
  public Model apply(Model model) {
    Graph g = apply(model.graph());
    return g == model.graph() ? model : model.withGraph(g);
  }
}

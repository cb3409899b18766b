package io.bocomp.tune;

import io.bocomp.compress.ModelHash;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A backend that records, for every objective evaluation ({@link Executable#distanceToReference}),
 * the content hash of the graph it ran: the independent count of "networks evaluated".
 */
final class CountingBackend implements Backend {
  private final Backend inner;
  final List<String> evaluatedGraphs = new ArrayList<>();

  CountingBackend(Backend inner) {
    this.inner = inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public io.bocomp.engine.Decompositions decompositions() {
    return inner.decompositions();
  }

  @Override
  public java.util.Set<String> supportedOps() {
    return inner.supportedOps();
  }

  @Override
  public Executable compile(Graph graph) {
    return wrap(inner.compile(graph), graph);
  }

  @Override
  public Executable compile(Graph graph, long opset) {
    return wrap(inner.compile(graph, opset), graph);
  }

  private Executable wrap(Executable e, Graph g) {
    return new Executable() {
      private boolean counted;

      @Override
      public Graph graph() {
        return e.graph();
      }

      @Override
      public Map<String, Tensor> run(Map<String, Tensor> feeds, List<String> wanted) {
        return e.run(feeds, wanted);
      }

      @Override
      public DistanceStats distanceToReference(Map<String, Tensor> feeds, String output,
          Tensor reference) {
        if (!counted) { // one network evaluation spans all sample batches of one executable
          evaluatedGraphs.add(ModelHash.of(g));
          counted = true;
        }
        return e.distanceToReference(feeds, output, reference);
      }

      @Override
      public void close() {
        e.close();
      }
    };
  }

  @Override
  public void close() {
    inner.close();
  }
}

package io.bocomp.engine;

import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A compiled graph. Thread-confined: one caller at a time (it reuses its buffers across calls).
 *
 * <p>{@link #run(Map, List)} computes only what the wanted values need: any value present in
 * {@code feeds} — a graph input or an intermediate activation cached by the caller — is taken as
 * given and the nodes upstream of it are skipped. This is how the tuner re-runs a compressed network
 * from the first changed layer only.
 */
public interface Executable extends AutoCloseable {

  Graph graph();

  /**
   * Runs the graph.
   *
   * @param feeds graph inputs and optionally intermediate values, by value name
   * @param wanted names of the values to return (graph outputs or intermediates)
   * @return the wanted values, by name, in the order asked; tensors the caller owns (not reused)
   */
  Map<String, Tensor> run(Map<String, Tensor> feeds, List<String> wanted);

  /** Runs a single-input graph and returns its first output. */
  default Tensor run(Tensor input) {
    Graph g = graph();
    String in = g.inputs().get(0).name();
    String out = g.outputs().get(0).name();
    return run(Map.of(in, input), List.of(out)).get(out);
  }

  /**
   * The tuner's per-trial objective: runs the graph on {@code feeds} and returns the per-sample
   * squared distance of value {@code output} to {@code reference} (same shape), reduced to mean
   * and standard error ({@link Decompositions.DistanceStats#compute} semantics). The default runs
   * on the host; a GPU executable overrides it to keep the logits on the device, reduce there and
   * bring back only n + 2 numbers (and to upload feeds and reference once per run: it may keep
   * device copies keyed by tensor identity, so callers must not modify these tensors in place
   * between calls).
   */
  default Decompositions.DistanceStats distanceToReference(Map<String, Tensor> feeds,
      String output, Tensor reference) {
    Tensor out = run(feeds, List.of(output)).get(output);
    return Decompositions.DistanceStats.compute(out, reference);
  }

  @Override
  default void close() {}
}

package io.bocomp.tune;

import io.bocomp.compress.ApplyOptions;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-input distances of compressed graphs on the run's tuning inputs, by full forward passes: the
 * measurements behind the written model's check ({@link ResultWriter}) and the paired certificate
 * ({@link ReturnedPlanCertificate#paired}).
 *
 * <p>The journal keeps each trial's mean and standard error only, so at the end of a run the few
 * competitors that could beat the returned plan ({@link ReturnedPlanCertificate#toRemeasure}, at
 * most {@value ReturnedPlanCertificate#PAIRED_MAX}) are rebuilt from their theta and measured
 * again: at most that many extra forward passes over the tuning inputs per run (the returned plan's
 * per-input distances come from the check pass the writer runs anyway). The inputs and plans are
 * those of the run, so the result is deterministic and a resumed run states the same certificate.
 * Each re-measured mean must reproduce the journal's L (the writer's tolerance): the run fails
 * loudly otherwise, as it does for the returned plan.
 */
final class PerInputDistances {
  /** A pass's pooled distance and its per-input values (batch order). */
  record Measured(Distance distance, double[] perInput) {}

  private final Backend backend;
  private final SampleSet samples;
  private final List<Tensor> reference;
  private final DistanceObjective objective;

  /**
   * @param reference the original model's outputs on each sample batch
   */
  PerInputDistances(Backend backend, SampleSet samples, List<Tensor> reference,
      DistanceObjective objective) {
    this.backend = backend;
    this.samples = samples;
    this.reference = reference;
    this.objective = objective;
  }

  /** L of a graph by a full forward pass on the samples, with its per-input distances. */
  Measured measure(Graph g, long opset) {
    try (Executable exe = backend.compile(g, opset)) {
      String in = g.inputs().get(0).name();
      String out = g.outputs().get(0).name();
      List<DistanceStats> parts = new ArrayList<>();
      int n = 0;
      for (int i = 0; i < samples.batches().size(); i++) {
        DistanceStats s = objective.measure(exe, Map.of(in, samples.batches().get(i)), out,
            reference.get(i));
        parts.add(s);
        n += s.perSample().length;
      }
      double[] per = new double[n];
      int k = 0;
      for (DistanceStats s : parts) {
        System.arraycopy(s.perSample(), 0, per, k, s.perSample().length);
        k += s.perSample().length;
      }
      return new Measured(Distance.pool(parts), per);
    }
  }

  /**
   * The paired certificate of {@code best} in the last stage: re-measures the competitors of
   * {@link ReturnedPlanCertificate#toRemeasure} (their graphs rebuilt on the stage's base model).
   *
   * @param bestPerInput the returned plan's per-input distances (from its check pass)
   */
  ReturnedPlanCertificate.Result certify(Tuner.StageOutcome last, TrialRecord best,
      double[] bestPerInput, long seed) {
    Map<String, double[]> per = new HashMap<>();
    per.put(best.planKey(), bestPerInput);
    for (TrialRecord r : ReturnedPlanCertificate.toRemeasure(best, last.history())) {
      Graph g = last.space().plan(r.theta()).apply(last.baseModel().graph(), last.baseFactors(),
          ApplyOptions.defaults()).graph();
      Measured m = measure(g, last.baseModel().opset());
      check(m.distance().mean(), r.loss(), "re-measuring trial " + r.trial()
          + " for the certificate");
      per.put(r.planKey(), m.perInput());
    }
    return ReturnedPlanCertificate.paired(best, last.history(), seed, per);
  }

  /** Largest relative difference tolerated between a re-measured L and the search's. */
  static final double VERIFY_TOLERANCE = 1e-4;

  /**
   * @throws IllegalStateException when {@code got}, a re-measured L, differs from
   *     {@code expected}, the search's L of the same plan, by more than {@link #VERIFY_TOLERANCE}
   */
  static void check(double got, double expected, String what) {
    double scale = Math.max(Math.abs(expected), Math.abs(got));
    if (Math.abs(got - expected) > VERIFY_TOLERANCE * scale + 1e-12) {
      throw new IllegalStateException(what + " gives distance " + got
          + " but the search measured " + expected + " for the same plan");
    }
  }
}

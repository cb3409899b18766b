package io.bocomp.tune.parallel;

import io.bocomp.compress.CompressionPlan;
import java.util.concurrent.CompletableFuture;

/**
 * Where the trials of a parallel tuning run are measured: {@link LocalTrialExecutor} (worker
 * threads of this process, each with its own backend) or {@code io.bocomp.cluster.ClusterTrialExecutor}
 * (members of a Hazelcast cluster). The tuner ({@code BatchStageRunner}) proposes a q-batch, resolves
 * each theta to its plan on the driver, submits the plans, and records the answers in trial order;
 * an executor only measures L.
 *
 * <p>Contract: every submitted trial's future completes exactly once, with the measurement of the
 * plan on the stage's context (a failed measurement is a {@link Measurement} too) or exceptionally
 * when the executor cannot measure it at all (then the run stops; it can be resumed). An executor
 * may measure a trial more than once (a worker died, its trials went to another); trials are
 * idempotent and only one answer completes the future. Every worker computes with one thread, so a
 * plan's L is the same bits whichever worker measures it.
 */
public interface TrialExecutor extends AutoCloseable {

  /** What it runs on, for messages ("2 local workers", "cluster 'bocomp' at 10.0.0.5:5701"). */
  String describe();

  /** Starts a stage: the context its plans are measured in. */
  Session open(StageContext context);

  /** Releases the workers (threads, backends, cluster membership). */
  @Override
  void close();

  /** The trials of one stage. */
  interface Session extends AutoCloseable {
    /**
     * Starts measuring {@code plan} (a plan over the stage's base model) as trial {@code trial}.
     */
    CompletableFuture<Measurement> submit(int trial, CompressionPlan plan);

    /** Ends the stage; trials still running are abandoned (their answers are ignored). */
    @Override
    void close();
  }
}

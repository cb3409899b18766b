package io.bocomp.tune;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.compress.CompressionPlan;
import java.nio.file.Path;

/**
 * The outcome of a tuning run, as written to {@code result.json} ({@link #json()}), with the
 * figures callers use most.
 *
 * @param dir the run directory
 * @param json the result document (see {@link ResultWriter} for its fields)
 * @param partial true when the run was stopped before its last trial (no model was written)
 * @param plan the best feasible plan (null when a partial run has none)
 * @param distance its L on the sampled inputs (null when none)
 * @param best the trial that measured it (null when none)
 * @param evaluations networks evaluated (distinct plans) over the whole run
 * @param trials trials over the whole run (cache hits included)
 */
public record TuneResult(Path dir, ObjectNode json, boolean partial, CompressionPlan plan,
    Distance distance, TrialRecord best, int evaluations, int trials) {

  /** The compressed model file (absent for partial results). */
  public Path modelFile() {
    return dir.resolve(ResultWriter.MODEL_FILE);
  }
}

package io.bocomp.tune;

import io.bocomp.bo.SurrogateState;
import java.util.List;

/**
 * One trial of a tuning run, as the journal stores it and the searches read it: the theta tried,
 * the resolved plan's cache key, what was measured (or why it failed), the costs, and the search
 * state that proposed it (Lagrange multiplier or constraint bound, and the GP hyperparameters
 * fitted for the proposal, which warm-start the next one).
 *
 * @param stage stage index (0 for single-stage runs)
 * @param trial trial index within the stage
 * @param phase "uniform" (the uniform plan at the budget), "design" (space-filling) or "bo"
 * @param theta the point tried
 * @param planKey {@link EvaluationCache#key} of its resolved plan
 * @param cached true if the plan had been measured before (no forward pass)
 * @param distance L, or null when the evaluation failed
 * @param failure why it failed, or null
 * @param cost the compressed model's costs (null when failed)
 * @param r the constrained cost as a fraction of the original (NaN when failed)
 * @param feasible r within the stage's budget
 * @param lambda Lagrange multiplier of the proposal (NaN outside Lagrangian BO trials)
 * @param kappa constraint bound of the proposal (NaN outside constrained BO trials)
 * @param gp GP states after fitting for the proposal (empty for design trials)
 * @param timing where the time went
 */
public record TrialRecord(int stage, int trial, String phase, double[] theta, String planKey,
    boolean cached, Distance distance, String failure, PlanCost cost, double r, boolean feasible,
    double lambda, double kappa, List<SurrogateState> gp, TrialTiming timing) {

  public TrialRecord {
    theta = theta.clone();
    gp = List.copyOf(gp);
  }

  @Override
  public double[] theta() {
    return theta.clone();
  }

  public boolean failed() {
    return distance == null;
  }

  /** L (NaN when failed). */
  public double loss() {
    return distance == null ? Double.NaN : distance.mean();
  }
}

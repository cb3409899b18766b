package io.bocomp.tune;

import io.bocomp.bo.SurrogateState;
import java.util.List;

/**
 * The next theta of a search and the state that chose it.
 *
 * @param theta the point to try
 * @param phase "uniform", "design" or "bo"
 * @param lambda the Lagrange multiplier (NaN when not a Lagrangian BO proposal)
 * @param kappa the constraint bound (NaN when not a constrained BO proposal)
 * @param gp GP states after the proposal's fit (empty for design points)
 */
public record Proposal(double[] theta, String phase, double lambda, double kappa,
    List<SurrogateState> gp) {
  public Proposal {
    theta = theta.clone();
    gp = List.copyOf(gp);
  }

  @Override
  public double[] theta() {
    return theta.clone();
  }

  static Proposal design(double[] theta, String phase) {
    return new Proposal(theta, phase, Double.NaN, Double.NaN, List.of());
  }
}

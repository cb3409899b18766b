package io.bocomp.bo.acquisition;

import java.util.List;

/**
 * An acquisition weighted by the probability that every black-box constraint holds, assuming the
 * constraint GPs independent: {@code a(x)·Π P_k(x)}, or {@code a(x) + Σ log P_k(x)} when {@code a}
 * is in log scale (the form used by default, free of underflow). With no base acquisition (no
 * feasible observation yet) the utility is {@code Σ log P_k(x)}: find a feasible point first
 * (Gelbart et al., 2014). Known constraints are not handled here but exactly, by the optimizer.
 */
public final class ConstrainedAcquisition implements AcquisitionFunction {
  private final AcquisitionFunction base;
  private final List<ProbabilityOfFeasibility> feasibility;
  private final double[] tmp;

  /**
   * @param base the acquisition to weight, or null to maximize the probability of feasibility
   * @param feasibility one log-probability per black-box constraint (non-empty)
   * @throws IllegalArgumentException when {@code base} is neither in log scale nor non-negative by
   *     construction (an LCB)
   */
  public ConstrainedAcquisition(AcquisitionFunction base, List<ProbabilityOfFeasibility> feasibility) {
    if (feasibility.isEmpty()) {
      throw new IllegalArgumentException("a constrained acquisition needs at least one constraint");
    }
    if (base instanceof LowerConfidenceBound) {
      throw new IllegalArgumentException("LCB can be negative and cannot be weighted by a probability of feasibility");
    }
    this.base = base;
    this.feasibility = List.copyOf(feasibility);
    this.tmp = new double[feasibility.get(0).dimension()];
  }

  @Override
  public int dimension() {
    return feasibility.get(0).dimension();
  }

  @Override
  public boolean isLogScale() {
    return base == null || base.isLogScale();
  }

  @Override
  public double value(double[] u) {
    double logP = 0;
    for (ProbabilityOfFeasibility f : feasibility) {
      logP += f.value(u);
    }
    if (base == null) {
      return logP;
    }
    double a = base.value(u);
    return base.isLogScale() ? a + logP : a * Math.exp(logP);
  }

  @Override
  public double valueAndGradient(double[] u, double[] gradient) {
    int d = gradient.length;
    double[] gLog = new double[d];
    double logP = 0;
    for (ProbabilityOfFeasibility f : feasibility) {
      logP += f.valueAndGradient(u, tmp);
      for (int j = 0; j < d; j++) {
        gLog[j] += tmp[j];
      }
    }
    if (base == null) {
      System.arraycopy(gLog, 0, gradient, 0, d);
      return logP;
    }
    double a = base.valueAndGradient(u, gradient);
    if (base.isLogScale()) {
      for (int j = 0; j < d; j++) {
        gradient[j] += gLog[j];
      }
      return a + logP;
    }
    double p = Math.exp(logP);
    for (int j = 0; j < d; j++) {
      gradient[j] = p * (gradient[j] + a * gLog[j]);
    }
    return a * p;
  }

  @Override
  public void values(double[] points, int m, double[] out) {
    double[] logP = new double[m];
    double[] part = new double[m];
    for (ProbabilityOfFeasibility f : feasibility) {
      f.values(points, m, part);
      for (int c = 0; c < m; c++) {
        logP[c] += part[c];
      }
    }
    if (base == null) {
      System.arraycopy(logP, 0, out, 0, m);
      return;
    }
    base.values(points, m, out);
    for (int c = 0; c < m; c++) {
      out[c] = base.isLogScale() ? out[c] + logP[c] : out[c] * Math.exp(logP[c]);
    }
  }
}

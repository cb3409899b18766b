package io.bocomp.bo.model;

/**
 * Squared exponential (RBF): {@code κ = e^{−r²/2}}; infinitely smooth sample paths, often too smooth
 * for real objectives. {@code dκ/dr² = −κ/2}.
 */
public final class RbfKernel implements Kernel {
  @Override
  public String name() {
    return "rbf";
  }

  @Override
  public double correlation(double r2) {
    return Math.exp(-0.5 * r2);
  }

  @Override
  public double correlationDerivative(double r2) {
    return -0.5 * Math.exp(-0.5 * r2);
  }

  @Override
  public void correlationAndDerivative(double[] r2, int count, double[] values, double[] derivatives) {
    for (int i = 0; i < count; i++) {
      double e = Math.exp(-0.5 * r2[i]);
      values[i] = e;
      derivatives[i] = -0.5 * e;
    }
  }

  @Override
  public String toString() {
    return name();
  }
}

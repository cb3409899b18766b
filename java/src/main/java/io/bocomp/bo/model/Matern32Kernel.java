package io.bocomp.bo.model;

/**
 * Matérn-3/2: {@code κ = (1 + a)·e^{−a}} with {@code a = √3·r}; once differentiable sample paths,
 * for rougher objectives. {@code dκ/dr² = −(3/2)·e^{−a}}.
 */
public final class Matern32Kernel implements Kernel {
  private static final double SQRT3 = Math.sqrt(3.0);

  @Override
  public String name() {
    return "matern32";
  }

  @Override
  public double correlation(double r2) {
    double a = SQRT3 * Math.sqrt(r2);
    return (1.0 + a) * Math.exp(-a);
  }

  @Override
  public double correlationDerivative(double r2) {
    return -1.5 * Math.exp(-SQRT3 * Math.sqrt(r2));
  }

  @Override
  public void correlationAndDerivative(double[] r2, int count, double[] values, double[] derivatives) {
    for (int i = 0; i < count; i++) {
      double a = SQRT3 * Math.sqrt(r2[i]);
      double e = Math.exp(-a);
      values[i] = (1.0 + a) * e;
      derivatives[i] = -1.5 * e;
    }
  }

  @Override
  public String toString() {
    return name();
  }
}

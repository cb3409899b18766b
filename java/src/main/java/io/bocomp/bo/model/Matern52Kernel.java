package io.bocomp.bo.model;

/**
 * Matérn-5/2: {@code κ = (1 + a + a²/3)·e^{−a}} with {@code a = √5·r}; twice differentiable
 * sample paths, the default of BoTorch and of this package. {@code dκ/dr² = −(5/6)(1 + a)·e^{−a}}.
 */
public final class Matern52Kernel implements Kernel {
  private static final double SQRT5 = Math.sqrt(5.0);

  @Override
  public String name() {
    return "matern52";
  }

  @Override
  public double correlation(double r2) {
    double a = SQRT5 * Math.sqrt(r2);
    return (1.0 + a + a * a / 3.0) * Math.exp(-a);
  }

  @Override
  public double correlationDerivative(double r2) {
    double a = SQRT5 * Math.sqrt(r2);
    return -(5.0 / 6.0) * (1.0 + a) * Math.exp(-a);
  }

  @Override
  public void correlationAndDerivative(double[] r2, int count, double[] values, double[] derivatives) {
    for (int i = 0; i < count; i++) {
      double a = SQRT5 * Math.sqrt(r2[i]);
      double e = Math.exp(-a);
      values[i] = (1.0 + a + a * a / 3.0) * e;
      derivatives[i] = -(5.0 / 6.0) * (1.0 + a) * e;
    }
  }

  @Override
  public String toString() {
    return name();
  }
}

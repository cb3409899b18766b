package io.bocomp.bo.testfunctions;

import io.bocomp.bo.Space;

/**
 * Hartmann-6 on {@code [0, 1]⁶}: global minimum −3.32237 at
 * {@code (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573)}; six local minima.
 */
public final class Hartmann6 implements TestFunction {
  private static final double[] ALPHA = {1.0, 1.2, 3.0, 3.2};
  private static final double[][] A = {
    {10, 3, 17, 3.5, 1.7, 8},
    {0.05, 10, 17, 0.1, 8, 14},
    {3, 3.5, 1.7, 10, 17, 8},
    {17, 8, 0.05, 10, 0.1, 14},
  };
  private static final double[][] P = {
    {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
    {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
    {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
    {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381},
  };
  private static final Space SPACE;

  static {
    Space.Builder b = Space.builder();
    for (int j = 1; j <= 6; j++) {
      b.continuous("x" + j, 0, 1);
    }
    SPACE = b.build();
  }

  @Override
  public String name() {
    return "hartmann6";
  }

  @Override
  public Space space() {
    return SPACE;
  }

  @Override
  public double optimum() {
    return -3.322368011415514;
  }

  @Override
  public double[] minimizer() {
    return new double[] {0.20168951, 0.15001069, 0.47687397, 0.27533243, 0.31165161, 0.65730053};
  }

  @Override
  public double value(double[] x) {
    double f = 0;
    for (int i = 0; i < 4; i++) {
      double s = 0;
      for (int j = 0; j < 6; j++) {
        double t = x[j] - P[i][j];
        s += A[i][j] * t * t;
      }
      f -= ALPHA[i] * Math.exp(-s);
    }
    return f;
  }
}

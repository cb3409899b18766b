package io.bocomp.bo.testfunctions;

import io.bocomp.bo.Space;

/**
 * Branin–Hoo on {@code [−5, 10] × [0, 15]}: three global minima of 0.397887 at {@code (−π, 12.275)},
 * {@code (π, 2.275)} and {@code (9.42478, 2.475)}.
 */
public final class Branin implements TestFunction {
  private static final double B = 5.1 / (4 * Math.PI * Math.PI);
  private static final double C = 5 / Math.PI;
  private static final double T = 1 / (8 * Math.PI);
  private static final Space SPACE = Space.builder().continuous("x1", -5, 10).continuous("x2", 0, 15).build();

  @Override
  public String name() {
    return "branin";
  }

  @Override
  public Space space() {
    return SPACE;
  }

  @Override
  public double optimum() {
    return 0.397887357729738;
  }

  @Override
  public double[] minimizer() {
    return new double[] {Math.PI, 2.275};
  }

  @Override
  public double value(double[] x) {
    double a = x[1] - B * x[0] * x[0] + C * x[0] - 6;
    return a * a + 10 * (1 - T) * Math.cos(x[0]) + 10;
  }
}

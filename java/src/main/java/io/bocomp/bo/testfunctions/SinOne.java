package io.bocomp.bo.testfunctions;

import io.bocomp.bo.Space;

/**
 * The one-dimensional {@code f(x) = 0.5·sin(13x)·sin(27x) + 0.5} on {@code [0, 1]}, many local minima;
 * global minimum 0.042926 at 0.633013.
 */
public final class SinOne implements TestFunction {
  private static final Space SPACE = Space.builder().continuous("x", 0, 1).build();

  @Override
  public String name() {
    return "sinone";
  }

  @Override
  public Space space() {
    return SPACE;
  }

  @Override
  public double optimum() {
    return 0.04292634243364374;
  }

  @Override
  public double[] minimizer() {
    return new double[] {0.6330131651054194};
  }

  @Override
  public double value(double[] x) {
    return 0.5 * Math.sin(13 * x[0]) * Math.sin(27 * x[0]) + 0.5;
  }
}

package io.bocomp.bo.testfunctions;

import io.bocomp.bo.Space;

/**
 * Ackley in {@code d} dimensions on {@code [−32.768, 32.768]^d}: a nearly flat outer region full of
 * shallow local minima around one deep funnel; minimum 0 at the origin.
 */
public final class Ackley implements TestFunction {
  private final int d;
  private final Space space;

  public Ackley(int d) {
    if (d < 1) {
      throw new IllegalArgumentException("Ackley needs d >= 1, got " + d);
    }
    this.d = d;
    Space.Builder b = Space.builder();
    for (int j = 1; j <= d; j++) {
      b.continuous("x" + j, -32.768, 32.768);
    }
    this.space = b.build();
  }

  @Override
  public String name() {
    return "ackley" + d;
  }

  @Override
  public Space space() {
    return space;
  }

  @Override
  public double optimum() {
    return 0;
  }

  @Override
  public double[] minimizer() {
    return new double[d];
  }

  @Override
  public double value(double[] x) {
    double s2 = 0;
    double sc = 0;
    for (double v : x) {
      s2 += v * v;
      sc += Math.cos(2 * Math.PI * v);
    }
    return -20 * Math.exp(-0.2 * Math.sqrt(s2 / d)) - Math.exp(sc / d) + 20 + Math.E;
  }
}

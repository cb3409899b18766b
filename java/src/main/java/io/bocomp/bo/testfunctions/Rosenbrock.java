package io.bocomp.bo.testfunctions;

import io.bocomp.bo.Space;
import java.util.Arrays;

/** Rosenbrock's valley in {@code d} dimensions on {@code [−5, 10]^d}: minimum 0 at {@code (1, …, 1)}. */
public final class Rosenbrock implements TestFunction {
  private final int d;
  private final Space space;

  public Rosenbrock(int d) {
    if (d < 2) {
      throw new IllegalArgumentException("Rosenbrock needs d >= 2, got " + d);
    }
    this.d = d;
    Space.Builder b = Space.builder();
    for (int j = 1; j <= d; j++) {
      b.continuous("x" + j, -5, 10);
    }
    this.space = b.build();
  }

  @Override
  public String name() {
    return "rosenbrock" + d;
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
    double[] x = new double[d];
    Arrays.fill(x, 1.0);
    return x;
  }

  @Override
  public double value(double[] x) {
    double f = 0;
    for (int i = 0; i < d - 1; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      f += 100 * a * a + b * b;
    }
    return f;
  }
}

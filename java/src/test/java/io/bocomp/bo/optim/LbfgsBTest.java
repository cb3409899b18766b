package io.bocomp.bo.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LbfgsBTest {
  /** Rosenbrock in n dims. */
  static DifferentiableFunction rosenbrock(int n) {
    return new DifferentiableFunction() {
      @Override
      public int dimension() {
        return n;
      }

      @Override
      public double valueAndGradient(double[] x, double[] g) {
        double f = 0;
        java.util.Arrays.fill(g, 0);
        for (int i = 0; i < n - 1; i++) {
          double a = x[i + 1] - x[i] * x[i];
          double b = 1 - x[i];
          f += 100 * a * a + b * b;
          g[i] += -400 * a * x[i] - 2 * b;
          g[i + 1] += 200 * a;
        }
        return f;
      }
    };
  }

  @Test
  void solvesRosenbrockInsideWideBounds() {
    int n = 6;
    double[] lo = new double[n];
    double[] hi = new double[n];
    java.util.Arrays.fill(lo, -5);
    java.util.Arrays.fill(hi, 5);
    double[] x0 = new double[n];
    java.util.Arrays.fill(x0, -1.2);
    LbfgsB.Result r = LbfgsB.minimize(rosenbrock(n), x0, lo, hi,
        new LbfgsB.Settings(10, 1000, 2000, 1e-8, 0));
    assertThat(r.value()).isLessThan(1e-10);
    for (double v : r.x()) {
      assertThat(v).isCloseTo(1.0, within(1e-4));
    }
    assertThat(r.status()).isIn(LbfgsB.Status.CONVERGED_GRADIENT, LbfgsB.Status.CONVERGED_FUNCTION);
  }

  @Test
  void findsTheConstrainedMinimumOnTheBoundOfRosenbrock() {
    // with x_i <= 0.5 the minimum of 2-d Rosenbrock has x0 = 0.5, x1 = 0.25 (x1 = x0²)
    LbfgsB.Result r = LbfgsB.minimize(rosenbrock(2), new double[] {-1, -1}, new double[] {-2, -2},
        new double[] {0.5, 0.5}, new LbfgsB.Settings(10, 500, 1000, 1e-9, 0));
    assertThat(r.x()[0]).isCloseTo(0.5, within(1e-6));
    assertThat(r.x()[1]).isCloseTo(0.25, within(1e-5));
  }

  @Test
  void boundConstrainedQuadraticMatchesTheProjectedSolution() {
    // f = ½ xᵀAx − bᵀx with diagonal A: the box solution is the clipped unconstrained one
    double[] a = {1, 4, 9, 0.5};
    double[] b = {3, -8, 1, 0.1};
    DifferentiableFunction f = new DifferentiableFunction() {
      @Override
      public int dimension() {
        return 4;
      }

      @Override
      public double valueAndGradient(double[] x, double[] g) {
        double v = 0;
        for (int i = 0; i < 4; i++) {
          v += 0.5 * a[i] * x[i] * x[i] - b[i] * x[i];
          g[i] = a[i] * x[i] - b[i];
        }
        return v;
      }
    };
    double[] lo = {-1, -1, -1, -1};
    double[] hi = {1, 1, 1, 1};
    LbfgsB.Result r = LbfgsB.minimize(f, new double[] {0.3, 0.3, 0.3, 0.3}, lo, hi, LbfgsB.Settings.defaults());
    double[] expect = {1, -1, 1.0 / 9, 0.2};
    for (int i = 0; i < 4; i++) {
      assertThat(r.x()[i]).isCloseTo(expect[i], within(1e-6));
    }
  }

  @Test
  void backsOffFromRegionsWhereTheFunctionIsNotFinite() {
    // f = (x-2)² but undefined beyond x > 1.5: the minimum within the defined region is at the edge
    DifferentiableFunction f = new DifferentiableFunction() {
      @Override
      public int dimension() {
        return 1;
      }

      @Override
      public double valueAndGradient(double[] x, double[] g) {
        g[0] = 2 * (x[0] - 2);
        return x[0] > 1.5 ? Double.NaN : (x[0] - 2) * (x[0] - 2);
      }
    };
    LbfgsB.Result r = LbfgsB.minimize(f, new double[] {0}, new double[] {-10}, new double[] {10},
        LbfgsB.Settings.defaults());
    assertThat(r.value()).isFinite();
    assertThat(r.x()[0]).isLessThanOrEqualTo(1.5).isGreaterThan(1.0);
  }

  @Test
  void fixedVariablesStayFixedAndNonFiniteStartIsReported() {
    LbfgsB.Result r = LbfgsB.minimize(rosenbrock(3), new double[] {0.7, 0, 0}, new double[] {0.7, -2, -2},
        new double[] {0.7, 2, 2}, LbfgsB.Settings.defaults());
    assertThat(r.x()[0]).isEqualTo(0.7);
    DifferentiableFunction nan = new DifferentiableFunction() {
      @Override
      public int dimension() {
        return 1;
      }

      @Override
      public double valueAndGradient(double[] x, double[] g) {
        return Double.NaN;
      }
    };
    assertThat(LbfgsB.minimize(nan, new double[] {0}, new double[] {-1}, new double[] {1},
        LbfgsB.Settings.defaults()).status()).isEqualTo(LbfgsB.Status.NON_FINITE_START);
  }
}

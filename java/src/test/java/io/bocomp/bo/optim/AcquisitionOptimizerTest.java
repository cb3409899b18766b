package io.bocomp.bo.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.bo.acquisition.AcquisitionFunction;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AcquisitionOptimizerTest {
  /** {@code −Σ (1+j)(u_j − c_j)²}, optionally plus a wiggle that makes it multimodal. */
  static AcquisitionFunction bowl(double[] c, AtomicInteger calls) {
    return bowl(c, calls, 0.01);
  }

  static AcquisitionFunction bowl(double[] c, AtomicInteger calls, double wiggle) {
    return new AcquisitionFunction() {
      @Override
      public int dimension() {
        return c.length;
      }

      @Override
      public double value(double[] u) {
        return valueAndGradient(u, new double[c.length]);
      }

      @Override
      public double valueAndGradient(double[] u, double[] g) {
        calls.incrementAndGet();
        double v = 0;
        for (int j = 0; j < c.length; j++) {
          double t = u[j] - c[j];
          v -= (1 + j) * t * t + wiggle * Math.cos(20 * u[j]);
          g[j] = -2 * (1 + j) * t + 20 * wiggle * Math.sin(20 * u[j]);
        }
        return v;
      }
    };
  }

  @Test
  void polishesContinuousMaximaBeyondTheRawSamples() {
    double[] c = {0.123, 0.777, 0.5, 0.31};
    AcquisitionOptimizer opt = new AcquisitionOptimizer(AcquisitionOptimizer.Settings.defaults());
    AcquisitionOptimizer.Candidate best = opt.maximize(bowl(c, new AtomicInteger()), new int[4], null, null, 1);
    // the function is separable: find each coordinate's global maximum on a fine grid
    for (int j = 0; j < 4; j++) {
      double bestU = 0;
      double bestV = Double.NEGATIVE_INFINITY;
      for (int i = 0; i <= 1_000_000; i++) {
        double u = i / 1e6;
        double v = -(1 + j) * (u - c[j]) * (u - c[j]) - 0.01 * Math.cos(20 * u);
        if (v > bestV) {
          bestV = v;
          bestU = u;
        }
      }
      assertThat(best.point()[j]).as("coordinate %d", j).isCloseTo(bestU, within(1e-4));
    }
  }

  @Test
  void integerCoordinatesEndOnCellCentresAtTheBestCell() {
    double[] c = {0.43, 0.71, 0.2};
    int[] levels = {0, 9, 40};
    AcquisitionOptimizer opt = new AcquisitionOptimizer(AcquisitionOptimizer.Settings.defaults());
    AcquisitionOptimizer.Candidate best = opt.maximize(bowl(c, new AtomicInteger(), 0), levels, null, null, 2);
    double[] u = best.point();
    for (int j = 1; j < 3; j++) {
      int k = levels[j];
      double cellCentre = (Math.floor(u[j] * k) + 0.5) / k;
      assertThat(u[j]).isEqualTo(cellCentre);
      // no neighbouring cell is better
      AcquisitionFunction f = bowl(c, new AtomicInteger(), 0);
      for (int dir = -1; dir <= 1; dir += 2) {
        double[] v = u.clone();
        v[j] = cellCentre + dir * 1.0 / k;
        if (v[j] > 0 && v[j] < 1) {
          assertThat(f.value(v)).isLessThanOrEqualTo(best.value());
        }
      }
    }
    assertThat(u[0]).isCloseTo(0.43, within(1e-5));
  }

  @Test
  void knownConstraintsAreNeverViolatedAndEmptyFeasibleSetGivesNull() {
    double[] c = {0.8, 0.8};
    AcquisitionOptimizer opt = new AcquisitionOptimizer(AcquisitionOptimizer.Settings.defaults());
    AcquisitionOptimizer.Candidate best =
        opt.maximize(bowl(c, new AtomicInteger()), new int[2], u -> u[0] + u[1] <= 1.0, null, 3);
    assertThat(best.point()[0] + best.point()[1]).isLessThanOrEqualTo(1.0).isGreaterThan(0.98);
    assertThat(opt.maximize(bowl(c, new AtomicInteger()), new int[2], u -> false, null, 3)).isNull();
  }

  @Test
  void allDiscreteSpacesUsePatternSearchOnly() {
    double[] c = {0.33, 0.9, 0.05};
    int[] levels = {100, 100, 100};
    AtomicInteger calls = new AtomicInteger();
    AcquisitionOptimizer opt = new AcquisitionOptimizer(new AcquisitionOptimizer.Settings(64, 4,
        LbfgsB.Settings.defaults(), 50, true));
    AcquisitionOptimizer.Candidate best = opt.maximize(bowl(c, calls, 0), levels, null, null, 4);
    for (int j = 0; j < 3; j++) {
      // the best cell centre (i + ½)/100 nearest to c_j
      assertThat(best.point()[j]).isCloseTo((Math.floor(c[j] * 100) + 0.5) / 100, within(1e-12));
    }
    assertThat(calls.get()).as("no gradient runs, few evaluations").isLessThan(64 + 4 * 50 * 3 * 10);
  }
}

package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.tune.alloc.RandomFeasibleAllocator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link BudgetProjection} on the default model's search space: a feasible theta stays; an
 * infeasible one lands on the budget's boundary along the segment to the strongest plan (feasible,
 * and a hair back toward theta is not); a budget so tight that rejection sampling finds nothing
 * still gives random search its feasible points.
 */
class BudgetProjectionTest {
  private static SearchSpace space;
  private static ToDoubleFunction<double[]> r;

  @BeforeAll
  static void load() {
    DefaultModelSpace m = DefaultModelSpace.of(Parametrization.RANK);
    space = m.space();
    r = m.r();
  }

  @Test
  void aFeasibleThetaStaysAndAnInfeasibleOneLandsOnTheBoundary() {
    double budget = 0.25;
    double[] s = space.strongest();
    SplittableRandom rng = new SplittableRandom(7);
    int projected = 0;
    for (int i = 0; i < 40; i++) {
      double[] u = new double[space.dimension()];
      for (int k = 0; k < u.length; k++) {
        u[k] = rng.nextDouble();
      }
      double[] theta = space.fromUnit(u);
      double[] p = BudgetProjection.onto(space, r, budget, theta);
      assertThat(r.applyAsDouble(p)).isLessThanOrEqualTo(budget);
      if (r.applyAsDouble(theta) <= budget) {
        assertThat(p).containsExactly(theta);
        continue;
      }
      projected++;
      // p = theta + t (s - theta): the same t in every moving coordinate
      double t = Double.NaN;
      for (int k = 0; k < p.length; k++) {
        if (s[k] != theta[k]) {
          double tk = (p[k] - theta[k]) / (s[k] - theta[k]);
          if (Double.isNaN(t)) {
            t = tk;
          }
          assertThat(tk).isCloseTo(t, org.assertj.core.api.Assertions.within(1e-9));
        }
      }
      assertThat(t).isBetween(0.0, 1.0);
      double[] back = new double[p.length];
      for (int k = 0; k < p.length; k++) {
        back[k] = theta[k] + (t - 1e-9) * (s[k] - theta[k]);
      }
      assertThat(r.applyAsDouble(back)).as("a hair back toward theta").isGreaterThan(budget);
    }
    assertThat(projected).as("most of the box misses 25%% of the parameters").isGreaterThan(20);
  }

  @Test
  void anUnreachableBudgetGivesTheStrongestPlan() {
    double floor = r.applyAsDouble(space.strongest());
    double[] theta = space.fromUnit(new double[space.dimension()]);
    assertThat(BudgetProjection.onto(space, r, floor * 0.5, theta))
        .containsExactly(space.strongest());
  }

  @Test
  void randomSearchFindsFeasiblePointsWhereRejectionCannot() {
    // just above the strongest plan's cost: a sliver of the box
    double budget = r.applyAsDouble(space.strongest()) * 1.02;
    List<double[]> pts = RandomFeasibleAllocator.draw(space, r, budget, 5, 3);
    assertThat(pts).hasSize(5);
    for (double[] p : pts) {
      assertThat(r.applyAsDouble(p)).isLessThanOrEqualTo(budget);
    }
    assertThat(pts.get(0)).isNotEqualTo(pts.get(1));
  }
}

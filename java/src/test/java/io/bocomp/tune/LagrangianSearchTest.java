package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LagrangianSearchTest {
  private static final double B = 0.25;

  /** A convex trade-off L = 1/R with noise, plus some dominated points. */
  private static List<TrialRecord> frontier(long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<TrialRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double r = 0.05 + 0.9 * rng.nextDouble();
      double l = 1 / r * (1 + 0.5 * rng.nextDouble());
      out.add(TrialRecords.of(i, l, r, B));
    }
    return out;
  }

  @Test
  void multiplierIsTheSmallestWhoseArgminIsFeasible() {
    for (long seed = 0; seed < 20; seed++) {
      List<TrialRecord> trials = frontier(seed, 30);
      trials.add(TrialRecords.failed(30));
      double lambda = LagrangianSearch.dualMultiplier(trials, B);
      assertThat(LagrangianSearch.feasibleArgmin(trials, lambda, B)).as("seed %d", seed).isTrue();
      assertThat(LagrangianSearch.feasibleArgmin(trials, lambda * (1 - 1e-6), B))
          .as("seed %d: just below lambda the argmin is infeasible", seed).isFalse();
    }
  }

  @Test
  void argminAtTheMultiplierIsTheBestFeasibleOnTheConvexHull() {
    // Points on L = 1/R: the best feasible is R = 0.25 (L = 4); lambda balances it against
    // the next cheaper-in-L infeasible point R = 0.5 (L = 2): 4 + 0.25 lambda = 2 + 0.5 lambda.
    List<TrialRecord> trials = List.of(TrialRecords.of(0, 10, 0.1, B),
        TrialRecords.of(1, 4, 0.25, B), TrialRecords.of(2, 2, 0.5, B),
        TrialRecords.of(3, 1, 1.0, B));
    assertThat(LagrangianSearch.dualMultiplier(trials, B)).isCloseTo(8, within());
  }

  @Test
  void budgetThatDoesNotBindGivesATinyMultiplierAndNoFeasibleTrialAHugeOne() {
    List<TrialRecord> allFeasible = List.of(TrialRecords.of(0, 1, 0.1, B),
        TrialRecords.of(1, 2, 0.2, B));
    double scale = (2 - 1) / (0.2 - 0.1);
    assertThat(LagrangianSearch.dualMultiplier(allFeasible, B)).isLessThan(scale * 1e-5);
    List<TrialRecord> noneFeasible = List.of(TrialRecords.of(0, 1, 0.5, B),
        TrialRecords.of(1, 2, 0.6, B));
    double big = LagrangianSearch.dualMultiplier(noneFeasible, B);
    assertThat(LagrangianSearch.feasibleArgmin(noneFeasible, big, B)).isFalse();
    assertThat(big).isGreaterThan(1e6);
    assertThat(LagrangianSearch.dualMultiplier(List.of(TrialRecords.failed(0)), B)).isEqualTo(1);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(8e-8);
  }
}

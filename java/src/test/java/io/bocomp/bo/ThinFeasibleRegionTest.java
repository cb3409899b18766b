package io.bocomp.bo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A known constraint whose feasible region is too thin for the acquisition optimizer's Sobol and
 * local raw candidates (16 dimensions, sum of x at most 0.002): without the caller's feasible
 * candidates a proposal has nothing to fall back on; with them it proposes a feasible point.
 */
class ThinFeasibleRegionTest {
  private static final int D = 16;
  private static final double CAP = 0.002;

  private static double sum(double[] x) {
    return Arrays.stream(x).sum();
  }

  private static BayesOpt.Builder builder() {
    Space.Builder s = Space.builder();
    for (int j = 0; j < D; j++) {
      s.continuous("x" + j, 0, 1);
    }
    BayesOpt.Builder b = BayesOpt.builder(s.build()).seed(3).initialDesignSize(2)
        .knownConstraint("sum <= " + CAP, x -> sum(x) <= CAP);
    // three feasible observations near the origin, objective = distance to a point on the cap
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 3; i++) {
      double[] x = new double[D];
      for (int j = 0; j < D; j++) {
        x[j] = rng.nextDouble() * CAP / D;
      }
      b.observations(List.of(new Observation(x, Evaluation.of(objective(x), 0.01))));
    }
    return b;
  }

  private static double objective(double[] x) {
    return Math.abs(CAP - sum(x)) + x[0];
  }

  @Test
  void withoutFeasibleCandidatesThereIsNothingToPropose() {
    assertThatThrownBy(() -> builder().build().suggest(1))
        .isInstanceOf(NoFeasiblePointException.class);
  }

  @Test
  void theCallersFeasibleCandidatesAreScoredAndAFeasiblePointIsProposed() {
    SplittableRandom rng = new SplittableRandom(2);
    List<double[]> candidates = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      double[] x = new double[D];
      for (int j = 0; j < D; j++) {
        x[j] = rng.nextDouble() * CAP / D;
      }
      candidates.add(x);
    }
    int[] asked = {0};
    BayesOpt bo = builder().feasibleCandidates(() -> {
      asked[0]++;
      return candidates;
    }).build();
    double[] x = bo.suggest(1).get(0);
    assertThat(sum(x)).isLessThanOrEqualTo(CAP);
    assertThat(asked[0]).as("asked for once, when the raw candidates missed").isEqualTo(1);
  }
}

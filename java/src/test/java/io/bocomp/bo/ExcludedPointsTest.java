package io.bocomp.bo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link BayesOpt.Builder#exclude}: on a small integer grid whose objective is deterministic, the
 * optimizer never proposes a point it was told to exclude (here every observed one), while the
 * best observed point stays the incumbent of the result, unlike a known constraint.
 */
class ExcludedPointsTest {
  private static double objective(double[] x) {
    return Math.pow(x[0] - 2, 2) + Math.pow(x[1] - 3, 2);
  }

  @Test
  void excludedPointsAreNeverProposedAndTheBestObservedStaysTheIncumbent() {
    Space space = Space.builder().integer("a", 0, 6).integer("b", 0, 6).build();
    List<double[]> seen = new ArrayList<>();
    for (int a = 0; a <= 6; a += 2) {
      for (int b = 1; b <= 5; b += 2) {
        seen.add(new double[] {a, b});
      }
    }
    for (int round = 0; round < 8; round++) {
      Set<String> keys = seen.stream().map(ExcludedPointsTest::key).collect(Collectors.toSet());
      BayesOpt.Builder b = BayesOpt.builder(space).seed(round).initialDesignSize(2)
          .exclude(x -> keys.contains(key(x)));
      for (double[] x : seen) {
        b.observations(List.of(new Observation(x, Evaluation.of(objective(x), 0.5))));
      }
      BayesOpt bo = b.build();
      double[] next = bo.suggest(1).get(0);
      assertThat(keys).as("round %d proposes %s", round, key(next)).doesNotContain(key(next));
      assertThat(key(bo.result().bestX())).as("the incumbent of round %d", round)
          .isEqualTo("2,3");
      seen.add(next);
    }
  }

  private static String key(double[] x) {
    return Math.round(x[0]) + "," + Math.round(x[1]);
  }
}

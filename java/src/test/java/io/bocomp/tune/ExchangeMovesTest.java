package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.tune.alloc.UniformAllocator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ExchangeMoves} on the default model's energy-fraction space at 25% of the parameters,
 * from the uniform plan: every move meets the budget, raises exactly one dimension and lowers at
 * most one other, and a lowered dimension was needed (back at the plan's value the budget breaks);
 * the moves reach other networks; a capped call is a seeded subsample.
 */
class ExchangeMovesTest {
  private static final double BUDGET = 0.25;
  private static SearchSpace space;
  private static ToDoubleFunction<double[]> r;
  private static double[] center;

  @BeforeAll
  static void load() {
    DefaultModelSpace m = DefaultModelSpace.of(Parametrization.ENERGY);
    space = m.space();
    r = m.r();
    center = UniformAllocator.atBudget(space, r, BUDGET);
  }

  @Test
  void everyMoveRaisesOneDimensionLowersAtMostOneAndMeetsTheBudget() {
    List<double[]> moves = new ExchangeMoves(space, r, BUDGET).from(center, 10_000, 1);
    assertThat(moves).isNotEmpty();
    String home = EvaluationCache.key(space.resolve(center));
    int elsewhere = 0;
    int exchanges = 0;
    for (double[] m : moves) {
      assertThat(r.applyAsDouble(m)).isLessThanOrEqualTo(BUDGET);
      int up = 0;
      int down = -1;
      for (int k = 0; k < m.length; k++) {
        if (m[k] > center[k]) {
          up++;
        } else if (m[k] < center[k]) {
          assertThat(down).as("a second lowered dimension").isEqualTo(-1);
          down = k;
        }
      }
      assertThat(up).isEqualTo(1);
      if (down >= 0) {
        exchanges++;
        double[] back = m.clone();
        back[down] = center[down];
        assertThat(r.applyAsDouble(back)).as("the raise alone breaks the budget")
            .isGreaterThan(BUDGET);
      }
      elsewhere += EvaluationCache.key(space.resolve(m)).equals(home) ? 0 : 1;
    }
    assertThat(exchanges).isPositive();
    assertThat(elsewhere).as("moves that reach another network").isGreaterThan(space.dimension());
  }

  @Test
  void aCappedCallIsASeededSubsample() {
    ExchangeMoves moves = new ExchangeMoves(space, r, BUDGET);
    List<double[]> all = moves.from(center, 10_000, 1);
    List<double[]> some = moves.from(center, 5, 3);
    assertThat(some).hasSize(5);
    assertThat(moves.from(center, 5, 3)).usingRecursiveComparison().isEqualTo(some);
    for (double[] m : some) {
      assertThat(all).anySatisfy(a -> assertThat(a).containsExactly(m));
    }
  }
}

package io.bocomp.bo;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.bo.testfunctions.TestFunction;
import io.bocomp.bo.testfunctions.TestFunctions;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Optimization quality on the built-in functions with fixed seeds: medians over five seeds of the
 * simple regret {@code f(x_best) − f*}, measured with the noiseless function at the recommended
 * point. Seeds run in parallel; results are cached across the tests of this class.
 */
class BayesOptQualityTest {
  static final int[] SEEDS = {1, 2, 3, 4, 5};
  static final Map<String, double[]> BO = new ConcurrentHashMap<>();
  static final Map<String, double[]> RANDOM = new ConcurrentHashMap<>();

  static double[] boRegrets(String name, int budget) {
    return BO.computeIfAbsent(name + "@" + budget, k -> IntStream.of(SEEDS).parallel().mapToDouble(seed -> {
      TestFunction f = TestFunctions.byName(name, seed);
      OptimizationResult r = BayesOpt.builder(f.space()).seed(seed).build().minimize(f.objective(), budget);
      return f.value(r.bestX()) - f.optimum();
    }).toArray());
  }

  /** Uniform random search recommending its lowest observed (possibly noisy) value. */
  static double[] randomRegrets(String name, int budget) {
    return RANDOM.computeIfAbsent(name + "@" + budget, k -> IntStream.of(SEEDS).mapToDouble(seed -> {
      TestFunction f = TestFunctions.byName(name, seed);
      Objective obj = f.objective();
      SplittableRandom rng = new SplittableRandom(1000 + seed);
      double bestObserved = Double.POSITIVE_INFINITY;
      double[] bestX = null;
      for (int i = 0; i < budget; i++) {
        double[] x = new double[f.space().dimension()];
        for (int j = 0; j < x.length; j++) {
          Dimension dim = f.space().dimension(j);
          x[j] = dim.lower() + rng.nextDouble() * (dim.upper() - dim.lower());
        }
        double y;
        try {
          y = obj.evaluate(x).mean();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        if (y < bestObserved) {
          bestObserved = y;
          bestX = x;
        }
      }
      return f.value(bestX) - f.optimum();
    }).toArray());
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  @Test
  void braninMedianSimpleRegretAfter30EvaluationsIsBelow005() {
    double[] r = boRegrets("branin", 30);
    System.out.printf("branin@30 regrets %s median %.3g%n", Arrays.toString(r), median(r));
    assertThat(median(r)).isLessThan(0.05);
  }

  @Test
  void hartmann6MedianIsWithin015OfTheOptimumAfter80Evaluations() {
    double[] r = boRegrets("hartmann6", 80);
    System.out.printf("hartmann6@80 regrets %s median %.3g%n", Arrays.toString(r), median(r));
    assertThat(median(r)).isLessThan(0.15);
  }

  @ParameterizedTest(name = "{0} with {1} evaluations")
  @CsvSource({
    "branin, 30", "branin-noisy, 30", "hartmann6, 80", "hartmann6-noisy, 80", "sinone, 20", "sinone-noisy, 20",
    "rosenbrock10, 60", "ackley10, 60"
  })
  void beatsTheMedianOfRandomSearch(String name, int budget) {
    double bo = median(boRegrets(name, budget));
    double random = median(randomRegrets(name, budget));
    System.out.printf("%s@%d median regret: BO %.4g, random search %.4g%n", name, budget, bo, random);
    assertThat(bo).isLessThan(random);
  }
}

package io.bocomp.bo.testfunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.bo.Dimension;
import io.bocomp.bo.Evaluation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TestFunctionsTest {
  @Test
  void minimizersAttainTheStatedOptimaAndNothingSampledIsLower() throws Exception {
    for (String name : TestFunctions.names()) {
      TestFunction f = TestFunctions.byName(name, 0);
      assertThat(f.value(f.minimizer())).as(name).isCloseTo(f.optimum(), within(1e-6));
      SplittableRandom r = new SplittableRandom(1);
      for (int i = 0; i < 20_000; i++) {
        double[] x = new double[f.space().dimension()];
        for (int j = 0; j < x.length; j++) {
          Dimension d = f.space().dimension(j);
          x[j] = d.lower() + r.nextDouble() * (d.upper() - d.lower());
        }
        assertThat(f.value(x)).as(name).isGreaterThanOrEqualTo(f.optimum() - 1e-9);
      }
    }
    assertThat(new Branin().value(new double[] {-Math.PI, 12.275})).isCloseTo(0.397887, within(1e-6));
    assertThat(new Branin().value(new double[] {9.42478, 2.475})).isCloseTo(0.397887, within(1e-6));
    assertThat(new Hartmann6().optimum()).isCloseTo(-3.32237, within(1e-5));
    assertThat(new SinOne().optimum()).isCloseTo(0.042926, within(1e-6));
  }

  @Test
  void noisyVariantsAddSeededNoiseAndReportTheirStandardError() throws Exception {
    TestFunction f = TestFunctions.byName("branin-noisy", 7);
    assertThat(f.name()).isEqualTo("branin-noisy");
    double[] x = {1, 2};
    Evaluation a = f.objective().evaluate(x);
    Evaluation b = TestFunctions.byName("branin-noisy", 7).objective().evaluate(x);
    assertThat(a).isEqualTo(b);
    assertThat(a.stderr()).isEqualTo(TestFunctions.NOISY_SIGMA);
    assertThat(a.mean()).isNotEqualTo(f.value(x));
    double sum = 0;
    double sum2 = 0;
    var obj = f.objective();
    for (int i = 0; i < 4000; i++) {
      double e = obj.evaluate(x).mean() - f.value(x);
      sum += e;
      sum2 += e * e;
    }
    assertThat(sum / 4000).isCloseTo(0, within(0.003));
    assertThat(Math.sqrt(sum2 / 4000)).isCloseTo(0.03, within(0.003));
    assertThatThrownBy(() -> TestFunctions.byName("nope", 1)).hasMessageContaining("unknown test function 'nope'");
  }
}

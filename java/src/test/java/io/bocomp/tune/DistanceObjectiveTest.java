package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.model.Tensor;
import org.junit.jupiter.api.Test;

class DistanceObjectiveTest {

  private static Tensor t(int n, int c, float... v) {
    Tensor x = Tensor.zeros(new int[] {n, c});
    x.data().put(v);
    return x;
  }

  @Test
  void squaredDistanceIsTheMeanPerSampleSquaredNormWithItsStandardError() {
    Tensor ref = t(3, 2, 0, 0, 1, 1, 2, 2);
    Tensor out = t(3, 2, 1, 0, 1, 3, 2, 2); // per sample: 1, 4, 0
    DistanceStats d = DistanceObjective.squared().reduce(out, ref);
    assertThat(d.mean()).isCloseTo(5.0 / 3, within(1e-12));
    // sample sd of {1,4,0} = sqrt(((1-5/3)^2+(4-5/3)^2+(5/3)^2)/2) = sqrt(13/3); se = sd/sqrt(3)
    assertThat(d.stderr()).isCloseTo(Math.sqrt(13.0 / 3) / Math.sqrt(3), within(1e-12));
    assertThat(d.n()).isEqualTo(3);
  }

  @Test
  void klIsZeroForEqualOutputsAndMatchesAHandComputedValue() {
    Tensor ref = t(1, 2, 0, 0);
    assertThat(DistanceObjective.kl(1).reduce(ref, ref).mean()).isEqualTo(0);
    // p = softmax(0,0) = (1/2,1/2); q = softmax(ln 3, 0) = (3/4, 1/4)
    Tensor out = t(1, 2, (float) Math.log(3), 0);
    double expected = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25);
    assertThat(DistanceObjective.kl(1).reduce(out, ref).mean()).isCloseTo(expected, within(1e-6));
    // temperature T: logits divided by T, result scaled by T^2
    Tensor out2 = t(1, 2, (float) (2 * Math.log(3)), 0);
    assertThat(DistanceObjective.kl(2).reduce(out2, ref).mean())
        .isCloseTo(4 * expected, within(1e-5));
  }

  @Test
  void klRejectsBadTemperatures() {
    assertThatThrownBy(() -> DistanceObjective.kl(0)).isInstanceOf(TuneConfigException.class)
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> DistanceObjective.kl(Double.NaN))
        .isInstanceOf(TuneConfigException.class);
  }
}

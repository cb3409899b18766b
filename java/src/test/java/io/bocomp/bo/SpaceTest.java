package io.bocomp.bo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpaceTest {
  @Test
  void mapsToTheUnitCubeAndBackWithIntegersExact() {
    Space s = Space.builder().continuous("a", -2, 6).integer("rank", 1, 64).build();
    double[] u = s.toModel(new double[] {2.0, 17});
    assertThat(u[0]).isEqualTo(0.5);
    assertThat(u[1]).isEqualTo((17 - 1 + 0.5) / 64);
    assertThat(s.toUser(u)).containsExactly(2.0, 17.0);
    assertThat(s.toUser(new double[] {0, 0})).containsExactly(-2.0, 1.0);
    assertThat(s.toUser(new double[] {1, 1})).containsExactly(6.0, 64.0);
    // uniform unit-cube samples are uniform over the integers: equal cells
    int[] counts = new int[64];
    for (int i = 0; i < 64_000; i++) {
      counts[(int) s.toUser(new double[] {0, (i + 0.5) / 64_000})[1] - 1]++;
    }
    assertThat(counts).containsOnly(1000);
  }

  @Test
  void validatesPoints() {
    Space s = Space.builder().continuous("a", 0, 1).integer("k", 0, 5).build();
    assertThat(s.validate(new double[] {1 + 1e-12, 3.0000001})).containsExactly(1.0, 3.0);
    assertThatThrownBy(() -> s.validate(new double[] {0.5})).isInstanceOf(InvalidObservationException.class)
        .hasMessageContaining("1 coordinates");
    assertThatThrownBy(() -> s.validate(new double[] {1.5, 1})).hasMessageContaining("'a'").hasMessageContaining("outside");
    assertThatThrownBy(() -> s.validate(new double[] {Double.NaN, 1})).hasMessageContaining("non-finite");
    assertThatThrownBy(() -> s.validate(new double[] {0.5, 2.5})).hasMessageContaining("integer dimension 'k'");
  }

  @Test
  void rejectsBadBoxesNamingTheDimension() {
    assertThatThrownBy(() -> Space.builder().build()).isInstanceOf(InvalidSpaceException.class)
        .hasMessageContaining("no dimensions");
    assertThatThrownBy(() -> Space.builder().continuous("w", 1, 1).build()).hasMessageContaining("'w' has zero width");
    assertThatThrownBy(() -> Space.builder().integer("r", 4, 4).build()).hasMessageContaining("'r' has zero width");
    assertThatThrownBy(() -> Space.builder().continuous("inv", 2, 1).build()).hasMessageContaining("'inv' has inverted");
    assertThatThrownBy(() -> Space.builder().continuous("n", Double.NaN, 1).build()).hasMessageContaining("non-finite");
    assertThatThrownBy(() -> Space.builder().continuous("i", 0, Double.POSITIVE_INFINITY).build())
        .hasMessageContaining("non-finite");
    assertThatThrownBy(() -> Space.builder().continuous("x", 0, 1).continuous("x", 0, 2).build())
        .hasMessageContaining("'x' is defined twice");
    assertThatThrownBy(() -> Space.builder().continuous(" ", 0, 1).build()).hasMessageContaining("blank name");
    assertThatThrownBy(() -> Space.builder().dimension(new Dimension("q", 0.5, 3, true)).build())
        .hasMessageContaining("integer dimension 'q' needs integer bounds");
    assertThatThrownBy(() -> Space.builder().integer("huge", 0, 1L << 35).build())
        .isInstanceOf(InvalidSpaceException.class).hasMessageContaining("'huge' has more than 2^31 - 1 values");
    Space.Builder big = Space.builder();
    for (int j = 0; j <= Space.MAX_DIMENSIONS; j++) {
      big.continuous("x" + j, 0, 1);
    }
    assertThatThrownBy(big::build).isInstanceOf(InvalidSpaceException.class)
        .hasMessageContaining("129 dimensions; at most 128 are supported");
  }
}

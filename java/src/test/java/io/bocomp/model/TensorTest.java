package io.bocomp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void holdsDataOffHeapAndCopies() {
    Tensor t = Tensor.of(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
    assertThat(t.data().isDirect()).isTrue();
    assertThat(t.get(4)).isEqualTo(5f);
    Tensor r = t.reshape(3, 2);
    r.set(0, 9f);
    assertThat(t.get(0)).as("reshape shares data").isEqualTo(9f);
    assertThat(t.copy().contentEquals(t)).isTrue();
    assertThat(t.data().position()).isZero();
  }

  @Test
  void rejectsBadShapes() {
    assertThatThrownBy(() -> Tensor.of(new int[] {2, 2}, new float[3]))
        .hasMessageContaining("needs 4");
    assertThatThrownBy(() -> Tensor.zeros(-1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> Tensor.zeros(65536, 65536)).hasMessageContaining("too large");
  }
}

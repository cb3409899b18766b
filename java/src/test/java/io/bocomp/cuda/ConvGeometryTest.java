package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.model.Node;
import org.junit.jupiter.api.Test;

/** ONNX window arithmetic, checked against values worked out by hand from the spec. */
class ConvGeometryTest {

  @Test
  void explicitPadsStridesAndDilations() {
    Node n = Node.builder("Conv").inputs("x", "w").outputs("y").attr("pads", 1, 2, 0, 1)
        .attr("strides", 2, 3).attr("dilations", 2, 1).build();
    ConvGeometry g = ConvGeometry.of(n, new int[] {3, 3}, 17, 13);
    // h: (17 + 1 + 0 - 2*2 - 1) / 2 + 1 = 7; w: (13 + 2 + 1 - 2 - 1) / 3 + 1 = 5
    assertThat(g.outH(17)).isEqualTo(7);
    assertThat(g.outW(13)).isEqualTo(5);
    assertThat(g.isPointwise()).isFalse();
  }

  @Test
  void samePaddingPutsTheOddPadAtTheEndOrStart() {
    Node upper = Node.builder("Conv").inputs("x", "w").outputs("y").attr("auto_pad", "SAME_UPPER")
        .attr("strides", 2, 1).build();
    ConvGeometry u = ConvGeometry.of(upper, new int[] {3, 4}, 5, 3);
    // h: out ceil(5/2) = 3, total pad (3-1)*2 + 3 - 5 = 2 -> 1/1; w: out 3, total 3 + 4 - 1 - 3 = 3 -> 1/2
    assertThat(new int[] {u.padTop(), u.padBottom(), u.padLeft(), u.padRight()})
        .containsExactly(1, 1, 1, 2);
    assertThat(u.outH(5)).isEqualTo(3);
    assertThat(u.outW(3)).isEqualTo(3);
    Node lower = Node.builder("Conv").inputs("x", "w").outputs("y").attr("auto_pad", "SAME_LOWER")
        .build();
    ConvGeometry l = ConvGeometry.of(lower, new int[] {3, 4}, 5, 3);
    assertThat(new int[] {l.padLeft(), l.padRight()}).containsExactly(2, 1);
    Node valid = Node.builder("Conv").inputs("x", "w").outputs("y").attr("auto_pad", "VALID")
        .attr("pads", 5, 5, 5, 5).build();
    assertThat(ConvGeometry.of(valid, new int[] {3, 3}, 7, 7).outH(7)).isEqualTo(5);
  }

  @Test
  void pointwiseMeansOneByOneStrideOneNoPad() {
    Node n = Node.builder("Conv").inputs("x", "w").outputs("y").build();
    assertThat(ConvGeometry.of(n, new int[] {1, 1}, 9, 9).isPointwise()).isTrue();
  }
}

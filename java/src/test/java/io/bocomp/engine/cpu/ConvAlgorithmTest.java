package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which algorithm a Conv gets (the conformance tests check each one's numbers; this checks that
 * the shapes meant for an algorithm reach it).
 */
class ConvAlgorithmTest {

  private static String algorithm(int[] x, int[] w, long group, long stride, long pad) {
    Node node = Node.builder("Conv").name("c").inputs("x", "w").outputs("y")
        .attr("group", group).attr("strides", stride, stride).attr("pads", pad, pad, pad, pad)
        .build();
    int[][] in = {x, w};
    int[][] out = ShapeInference.outputShapes(node, in, null);
    Tensor[] consts = {null, Tensor.zeros(w)};
    return CpuKernels.create(new KernelSpec(node, 13, in, consts, out), 2).toString();
  }

  @AfterEach
  void restore() {
    VectorSupport.forced = null;
  }

  @Test
  void picksTheAlgorithmForTheShapeWithoutTheVectorApi() {
    VectorSupport.forced = false;
    assertThat(algorithm(new int[] {8, 64, 28, 28}, new int[] {64, 64, 3, 3}, 1, 1, 1))
        .contains("winograd");
    assertThat(algorithm(new int[] {8, 32, 28, 28}, new int[] {32, 32, 3, 3}, 1, 1, 1))
        .contains("im2col band");
    assertThat(algorithm(new int[] {8, 64, 7, 7}, new int[] {128, 64, 3, 3}, 1, 1, 1))
        .contains("im2col").contains("images/tile=");
    assertThat(algorithm(new int[] {2, 64, 28, 28}, new int[] {64, 64, 3, 3}, 1, 2, 1))
        .as("stride 2: gathered columns").contains("Conv[im2col,");
    assertThat(algorithm(new int[] {1, 256, 4, 4}, new int[] {512, 256, 3, 3}, 1, 2, 1))
        .as("4 pixels, 512 channels: split the channels").contains("channels/tile=256");
    assertThat(algorithm(new int[] {2, 64, 28, 28}, new int[] {128, 64, 1, 1}, 1, 1, 0))
        .contains("pointwise");
    assertThat(algorithm(new int[] {2, 32, 28, 28}, new int[] {32, 1, 3, 3}, 32, 1, 1))
        .contains("direct");
  }

  @Test
  void picksTheVectorKernelsWhenTheModuleIsPresent() {
    VectorSupport.forced = true;
    String winograd = algorithm(new int[] {8, 64, 28, 28}, new int[] {64, 64, 3, 3}, 1, 1, 1);
    String narrow = algorithm(new int[] {8, 32, 28, 28}, new int[] {32, 32, 3, 3}, 1, 1, 1);
    String strided = algorithm(new int[] {2, 64, 28, 28}, new int[] {64, 64, 3, 3}, 1, 2, 1);
    String depthwise = algorithm(new int[] {2, 32, 28, 28}, new int[] {32, 1, 3, 3}, 32, 1, 1);
    String small = algorithm(new int[] {50, 256, 4, 4}, new int[] {256, 256, 3, 3}, 1, 1, 1);
    assertThat(depthwise).contains("direct").doesNotContain("vector");
    if (VectorSupport.modulePresent()) {
      assertThat(winograd).contains("vector winograd");
      assertThat(narrow).as("32 channels: too thin for Winograd").contains("vector direct");
      assertThat(strided).contains("vector direct");
      assertThat(small).as("4x4 outputs: below one Winograd block").contains("vector direct");
    } else {
      assertThat(small).doesNotContain("vector");
      assertThat(winograd).doesNotContain("vector");
      assertThat(narrow).doesNotContain("vector");
      assertThat(strided).doesNotContain("vector");
    }
  }
}

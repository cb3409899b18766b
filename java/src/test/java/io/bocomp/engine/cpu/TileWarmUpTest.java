package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class TileWarmUpTest {
  @Test
  void everyGeneratedTileShapeIsCalledInBothTapOrders() {
    assumeTrue(VectorSupport.enabled(), "the tiles are Vector API code");
    // a shape the dispatch does not know would throw; each is called in both orders
    assertThat(TileWarmUp.run(3)).isEqualTo(2 * BlockedTiles.SHAPES.length);
  }

  @Test
  void offUnlessAskedForThenStartsOncePerJvm() {
    assumeTrue(VectorSupport.enabled(), "the tiles are Vector API code");
    new CpuBackend(1).close();
    assertThat(TileWarmUp.start()).as("off by default").isFalse();
    System.setProperty("bocomp.cpu.warmup", "true");
    try {
      assertThat(TileWarmUp.start()).as("asked for").isTrue();
      assertThat(TileWarmUp.start()).as("once per JVM").isFalse();
    } finally {
      System.clearProperty("bocomp.cpu.warmup");
    }
  }
}

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
  void startsOncePerJvm() {
    assumeTrue(VectorSupport.enabled(), "the tiles are Vector API code");
    new CpuBackend(1).close();
    assertThat(TileWarmUp.start()).as("already started by the backend").isFalse();
  }
}

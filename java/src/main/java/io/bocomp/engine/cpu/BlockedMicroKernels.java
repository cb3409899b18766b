package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked tiles of {@link BlockedConvKernel}: this class holds their vector species
 * and describes them; the tiles themselves are {@code BlockedTiles}, generated at build time by
 * {@code java/src/build/GenerateBlockedTiles.java} (Maven's generate-sources phase, into
 * {@code target/generated-sources/tiles}), one method per shape. A tile is {@code P}
 * output pixels by {@code OB} blocks of {@link #LANES} output channels, accumulated in
 * {@code P x OB} vector registers over the taps {@code k0 <= k < k1}: per tap, {@code OB} weight
 * vectors are loaded ({@code w[wOff + k * OB * LANES + j * LANES]}, packed at plan time) and each
 * pixel's input value {@code x[xb[p] + off[k]]} is broadcast and multiplied into them (fused
 * multiply-add). Pixels have their own input offsets ({@code xb}), so a tile may cross output
 * rows and images, and pixels past the last one may repeat it. The sums go to the tile buffer
 * {@code t}, block {@code j} of pixel {@code p} at {@code t[(j * P + p) * LANES]}; the caller
 * moves them to the output with the epilogue. The methods are kept small enough for C1 (a
 * method C1 cannot compile may stay in slow code, never reaching C2).
 *
 * <p>Taps come in runs of 4 adjacent input channels (a blocked input's lanes), so per run one
 * offset is read and each pixel's four inputs are at constant distances from one index: C2 then
 * checks the array bounds once per run and pixel. The {@code nchw} tiles are the same one tap at a
 * time, for inputs with one lane (a padded NCHW first layer).
 *
 * <p>Shapes: with 512-bit vectors (32 registers) 6x4, 8x3, 12x2 and 24x1 (24 accumulators, the
 * weights and one broadcast); with 256-bit vectors (16 registers) 6x2 and 12x1. Only
 * {@link BlockedConvKernel} calls the tiles, after {@link VectorSupport#enabled()}.
 */
final class BlockedMicroKernels {
  static final VectorSpecies<Float> S = species();
  /** Floats per vector: the channel block of the blocked layout. */
  static final int LANES = S.length();

  private BlockedMicroKernels() {}

  /**
   * 512-bit vectors where they are native, else 256-bit; {@code -Dbocomp.cpu.lanes=8} forces
   * 256-bit (to test that path on an AVX-512 machine).
   */
  private static VectorSpecies<Float> species() {
    boolean wide = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
        && !"8".equals(System.getProperty("bocomp.cpu.lanes", "").trim());
    return wide ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
  }
}

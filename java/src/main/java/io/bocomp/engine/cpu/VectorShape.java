package io.bocomp.engine.cpu;

import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector shape of the Vector API kernels that may share a JVM with the blocked kernels
 * (the direct convolution's tiles, the trainer's loops): the blocked kernels' own
 * ({@link BlockedMicroKernels#S}, 512 bits where they are native).
 *
 * <p>Why one shape: on JDK 17, 256-bit kernels run in the same JVM as 512-bit ones lost their
 * intrinsics and ran in the Vector API's Java fallback code: training fell from 661 to 68 images
 * per second at the commit that added the 512-bit blocked kernels (benchmarks/results/
 * train-throughput.md). Load only when {@link VectorSupport#enabled()}.
 */
public final class VectorShape {
  /** The species every such kernel uses. */
  public static final VectorSpecies<Float> FLOATS = BlockedMicroKernels.S;

  private VectorShape() {}
}

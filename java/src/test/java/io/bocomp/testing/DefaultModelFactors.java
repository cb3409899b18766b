package io.bocomp.testing;

import io.bocomp.ModelLoader;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.engine.cpu.CpuDecompositions;

/**
 * The embedded default model (fashion-cnn) and its factors as the tuner's tests use them: loaded
 * through the default factor cache on the CPU decompositions, with the names of the layers the
 * tests pick out. Limits: each call loads anew (from the cache after the first decomposition);
 * nothing is shared between test classes.
 */
public final class DefaultModelFactors {
  /** Its second 3x3 convolution. */
  public static final String CONV3 = "/features/features.3/Conv";
  /** Its last fully connected layer. */
  public static final String FC2 = "/classifier/classifier.2/Gemm";

  private DefaultModelFactors() {}

  /** The default model's factors. */
  public static ModelFactors load() {
    return FactorCache.withDefaults(new CpuDecompositions())
        .load(CompressibleModel.of(ModelLoader.loadDefault()), null);
  }
}

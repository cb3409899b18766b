package io.bocomp.testing;

import io.bocomp.model.Tensor;
import java.util.Random;

/**
 * Deterministic random tensors for test networks: one {@link Random} stream per instance, so a
 * network built from the same seed is bit-identical on every run and JDK.
 *
 * <p>{@link #he} draws N(0, 2/fan_in) (He et al., 2015): with ReLU-family activations the variance
 * of activations stays roughly constant through depth, so outputs stay O(1) without training.
 */
public final class SeededWeights {
  private final Random rng;

  public SeededWeights(long seed) {
    this.rng = new Random(seed);
  }

  /** He-normal conv weight {@code (out, in/group, k, k)}. */
  public Tensor conv(int out, int inPerGroup, int kh, int kw) {
    return he(inPerGroup * kh * kw, out, inPerGroup, kh, kw);
  }

  /** He-normal fully connected weight in PyTorch layout {@code (out, in)}. */
  public Tensor fc(int out, int in) {
    return he(in, out, in);
  }

  /**
   * LeCun-normal N(0, 1/in) weight {@code (out, in)} for a final classifier layer, which no ReLU
   * follows (He's factor 2 compensates for the half of the activations a ReLU zeroes).
   */
  public Tensor classifier(int out, int in) {
    return normal(Math.sqrt(1.0 / in), out, in);
  }

  /** N(0, 2/fanIn) values of the given shape. */
  public Tensor he(int fanIn, int... shape) {
    return normal(Math.sqrt(2.0 / fanIn), shape);
  }

  /** N(0, std^2) values. */
  public Tensor normal(double std, int... shape) {
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.nextGaussian() * std);
    }
    return Tensor.of(shape, v);
  }

  /** U(lo, hi) values. */
  public Tensor uniform(double lo, double hi, int... shape) {
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
    }
    return Tensor.of(shape, v);
  }

  /**
   * Batch-norm parameters for {@code c} channels: {scale, bias, mean, var} with scale in
   * [gammaLo, gammaHi], bias and mean N(0, 0.1^2), var in [0.5, 1.5].
   */
  public Tensor[] batchNorm(int c, double gammaLo, double gammaHi) {
    return new Tensor[] {uniform(gammaLo, gammaHi, c), normal(0.1, c), normal(0.1, c),
        uniform(0.5, 1.5, c)};
  }
}

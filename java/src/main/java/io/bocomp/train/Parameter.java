package io.bocomp.train;

import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/**
 * A trained initializer: its current value (a private copy of the model's tensor) and, for a weight
 * that arrived with exact zeros (magnitude pruning), the mask that keeps those entries zero through
 * every update. Dense trained weights hold no exact zeros, so a dense layer has no mask.
 *
 * <p>A weight the model stores quantized ({@code Model.quantizedWeights()}) keeps its bit width,
 * scales and zero points: the optimizer updates a float latent copy ({@link #trained()}), and the
 * forward pass reads its quantized value {@code Q(latent)} ({@link #value()}, recomputed by
 * {@link #afterStep()}). The gradient of {@code Q(latent)} is passed to the latent unchanged (the
 * straight-through estimator of Bengio et al. 2013), and the latent is clamped to the range the
 * codes reach (plus half a step; {@link QuantizedTensor#clip}) so it cannot drift where rounding
 * no longer moves. Such a weight is stored dense, so its zeros (pruned or rounded) are not held.
 */
public final class Parameter {
  private final String name;
  private final int index;
  private final int[] shape;
  private final FloatBuffer value;
  private final boolean[] frozenZero;
  private final int zeros;
  private final QuantizedTensor quant;
  private final FloatBuffer latent;

  Parameter(String name, int index, Tensor initial, boolean keepZeros) {
    this(name, index, initial, keepZeros, null);
  }

  /**
   * @param quant the weight's quantization (codes of its shape, scales, bits), or null for a float
   *     weight
   */
  Parameter(String name, int index, Tensor initial, boolean keepZeros, QuantizedTensor quant) {
    this.name = name;
    this.index = index;
    this.shape = initial.shape();
    this.quant = quant;
    this.value = Tensor.allocate(initial.size());
    value.put(0, initial.data(), 0, initial.size());
    if (quant != null) {
      latent = Tensor.allocate(initial.size());
      latent.put(0, initial.data(), 0, initial.size());
      afterStep();
    } else {
      latent = value;
    }
    int z = 0;
    boolean[] mask = null;
    if (keepZeros && quant == null) {
      for (int i = 0; i < initial.size(); i++) {
        if (value.get(i) == 0f) {
          if (mask == null) {
            mask = new boolean[initial.size()];
          }
          mask[i] = true;
          z++;
        }
      }
    }
    this.frozenZero = mask;
    this.zeros = z;
  }

  public String name() {
    return name;
  }

  /** Position in {@link TrainingGraph#parameters()}. */
  public int index() {
    return index;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int size() {
    return value.capacity();
  }

  /** The live value read by the forward pass (the quantized latent for a quantized weight). */
  FloatBuffer value() {
    return value;
  }

  /** What the optimizer updates: the value itself, or the latent of a quantized weight. */
  FloatBuffer trained() {
    return latent;
  }

  /** The weight's quantization (bits, scales), or null for a float weight. */
  public QuantizedTensor quantization() {
    return quant;
  }

  /** After the optimizer changed {@link #trained()}: clamps the latent and re-quantizes. */
  void afterStep() {
    if (quant != null) {
      quant.clip(latent);
      quant.project(latent, value, null);
    }
  }

  /** The codes of the current value under the weight's scales (null for a float weight). */
  QuantizedTensor codes() {
    return quant == null ? null : quant.requantize(toTensor());
  }

  /** Entries held at zero (pruned weights); 0 for a dense parameter. */
  public int frozenZeros() {
    return zeros;
  }

  /** True where the entry is pruned and stays zero; null when nothing is. */
  boolean[] frozenZeroMask() {
    return frozenZero;
  }

  /** A copy of the current value as a tensor. */
  public Tensor toTensor() {
    Tensor t = Tensor.zeros(shape);
    t.data().put(0, value, 0, value.capacity());
    return t;
  }
}

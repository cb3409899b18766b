package io.bocomp.train;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/**
 * A trained initializer: its current value (a private copy of the model's tensor) and, for a weight
 * that arrived with exact zeros (magnitude pruning), the mask that keeps those entries zero through
 * every update. Dense trained weights hold no exact zeros, so a dense layer has no mask.
 */
public final class Parameter {
  private final String name;
  private final int index;
  private final int[] shape;
  private final FloatBuffer value;
  private final boolean[] frozenZero;
  private final int zeros;

  Parameter(String name, int index, Tensor initial, boolean keepZeros) {
    this.name = name;
    this.index = index;
    this.shape = initial.shape();
    this.value = Tensor.allocate(initial.size());
    value.put(0, initial.data(), 0, initial.size());
    int z = 0;
    boolean[] mask = null;
    if (keepZeros) {
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

  /** The live value (read by the forward pass, written by the optimizer). */
  FloatBuffer value() {
    return value;
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

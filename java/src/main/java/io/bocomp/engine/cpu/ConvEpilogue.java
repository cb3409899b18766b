package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * What a convolution applies to its GEMM or accumulator output before storing it: the per-channel
 * bias, a residual tensor added element-wise (a fused Add), and an activation (a fused Relu, Clip,
 * ...), in that order, on a row segment staged in a heap array.
 */
final class ConvEpilogue {
  private final boolean bias;
  private final boolean residual;
  private final Activation activation;

  ConvEpilogue(boolean bias, boolean residual, Activation activation) {
    this.bias = bias;
    this.residual = residual;
    this.activation = activation;
  }

  /** True if {@link #apply} has anything to do. */
  boolean active() {
    return bias || residual || activation != null;
  }

  /**
   * Finishes {@code row[0..len)}, output elements {@code off..off+len} of channel
   * {@code channel}; {@code resRow} is scratch for the residual.
   */
  void apply(float[] row, int len, FloatBuffer biasBuf, int channel, FloatBuffer res, int off,
      float[] resRow) {
    if (bias) {
      float b = biasBuf.get(channel);
      for (int i = 0; i < len; i++) {
        row[i] += b;
      }
    }
    if (residual) {
      res.get(off, resRow, 0, len);
      for (int i = 0; i < len; i++) {
        row[i] += resRow[i];
      }
    }
    if (activation != null) {
      activation.apply(row, 0, len);
    }
  }

  /** Residual and activation only (the bias was already the accumulator's start value). */
  void applyWithoutBias(float[] row, int len, FloatBuffer res, int off, float[] resRow) {
    if (residual) {
      res.get(off, resRow, 0, len);
      for (int i = 0; i < len; i++) {
        row[i] += resRow[i];
      }
    }
    if (activation != null) {
      activation.apply(row, 0, len);
    }
  }
}

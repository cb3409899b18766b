package io.bocomp.compress;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/** Copies parts of float tensors: kept indices along an axis, leading columns, scaled columns. */
final class TensorSlices {
  private TensorSlices() {}

  /**
   * The entries of {@code t} whose index along {@code axis} is in {@code keep} (ascending, each an
   * index into that axis); a new tensor of the same rank.
   */
  static Tensor keep(Tensor t, int axis, int[] keep) {
    int[] shape = t.shape();
    int outer = 1;
    for (int d = 0; d < axis; d++) {
      outer *= shape[d];
    }
    int inner = 1;
    for (int d = axis + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    int n = shape[axis];
    float[] src = new float[t.size()];
    t.data().get(src);
    float[] dst = new float[outer * keep.length * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < keep.length; j++) {
        System.arraycopy(src, (o * n + keep[j]) * inner, dst, (o * keep.length + j) * inner, inner);
      }
    }
    shape[axis] = keep.length;
    return Tensor.of(shape, dst);
  }

  /** Expands channel indices to feature indices for blocks of {@code block} features per channel. */
  static int[] expand(int[] channels, int block) {
    if (block == 1) {
      return channels;
    }
    int[] out = new int[channels.length * block];
    for (int i = 0; i < channels.length; i++) {
      for (int j = 0; j < block; j++) {
        out[i * block + j] = channels[i] * block + j;
      }
    }
    return out;
  }

  /** The first {@code k} columns of the row-major m x n matrix {@code a}, each scaled by s[j] (or 1). */
  static Tensor leadingColumns(Tensor a, int k, Tensor s) {
    int m = a.dim(0);
    int n = a.dim(1);
    FloatBuffer src = a.data();
    float[] scale = new float[k];
    for (int j = 0; j < k; j++) {
      scale[j] = s == null ? 1f : s.get(j);
    }
    float[] out = new float[m * k];
    float[] row = new float[k];
    for (int i = 0; i < m; i++) {
      src.get(i * n, row, 0, k);
      for (int j = 0; j < k; j++) {
        out[i * k + j] = row[j] * scale[j];
      }
    }
    return Tensor.of(new int[] {m, k}, out);
  }

  /**
   * The first {@code k} rows of a row-major matrix: a view sharing its memory (weights are never
   * written once in a graph, so cached factors can back compressed layers directly).
   */
  static Tensor leadingRows(Tensor a, int k) {
    int n = a.dim(1);
    return Tensor.wrap(new int[] {k, n}, a.data().slice(0, k * n));
  }

  /** The transpose of a row-major matrix. */
  static Tensor transpose(Tensor a) {
    int m = a.dim(0);
    int n = a.dim(1);
    float[] src = new float[m * n];
    a.data().get(src);
    float[] dst = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        dst[j * m + i] = src[i * n + j];
      }
    }
    return Tensor.of(new int[] {n, m}, dst);
  }

  /** core[:rOut, :rIn, ...] of a 4-D core tensor (a shared view when rIn is all of Cin). */
  static Tensor leadingCore(Tensor core, int rOut, int rIn) {
    int cin = core.dim(1);
    int k2 = core.dim(2) * core.dim(3);
    if (rIn == cin) {
      return Tensor.wrap(new int[] {rOut, rIn, core.dim(2), core.dim(3)},
          core.data().slice(0, rOut * cin * k2));
    }
    float[] dst = new float[rOut * rIn * k2];
    FloatBuffer src = core.data();
    for (int p = 0; p < rOut; p++) {
      src.get(p * cin * k2, dst, p * rIn * k2, rIn * k2);
    }
    return Tensor.of(new int[] {rOut, rIn, core.dim(2), core.dim(3)}, dst);
  }
}

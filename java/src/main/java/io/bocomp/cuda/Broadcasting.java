package io.bocomp.cuda;

import java.util.Arrays;

/** Numpy/ONNX multidirectional broadcasting of two shapes, and the element strides to read them. */
final class Broadcasting {
  private Broadcasting() {}

  /** The broadcast shape, or null when the shapes are incompatible. */
  static int[] shape(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        return null;
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Element strides to read an operand of shape {@code in} at each index of {@code out}. */
  static long[] strides(int[] in, int[] out) {
    long[] s = new long[out.length];
    long stride = 1;
    for (int i = out.length - 1; i >= 0; i--) {
      int j = i - (out.length - in.length);
      int d = j < 0 ? 1 : in[j];
      s[i] = d == 1 ? 0 : stride;
      stride *= d;
    }
    return s;
  }

  static long[] longs(int[] shape) {
    return Arrays.stream(shape).asLongStream().toArray();
  }
}

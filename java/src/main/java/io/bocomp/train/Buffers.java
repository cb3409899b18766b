package io.bocomp.train;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/** Small helpers on direct float buffers (absolute indexing, bulk where it pays). */
final class Buffers {
  private static final float[] ZEROS = new float[8192];

  private Buffers() {}

  /** {@code b} if it holds at least {@code n} floats, else a new zeroed buffer of {@code n}. */
  static FloatBuffer ensure(FloatBuffer b, int n) {
    return b != null && b.capacity() >= n ? b : Tensor.allocate(Math.max(1, n));
  }

  /** Zeroes {@code [off, off + n)}. */
  static void zero(FloatBuffer b, int off, int n) {
    for (int done = 0; done < n; done += ZEROS.length) {
      b.put(off + done, ZEROS, 0, Math.min(ZEROS.length, n - done));
    }
  }

  /** {@code dst[dOff + i] += src[sOff + i]} for i in [0, n). */
  static void addTo(FloatBuffer src, int sOff, FloatBuffer dst, int dOff, int n) {
    for (int i = 0; i < n; i++) {
      dst.put(dOff + i, dst.get(dOff + i) + src.get(sOff + i));
    }
  }

  static int size(int[] shape) {
    return Tensor.checkedSize(shape);
  }
}

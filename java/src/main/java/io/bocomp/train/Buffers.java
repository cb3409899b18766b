package io.bocomp.train;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/** Small helpers on direct float buffers (absolute indexing, bulk where it pays). */
final class Buffers {
  private static final float[] ZEROS = new float[8192];
  private static final int CHUNK = 4096;

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

  /** {@code dst[dOff + i] += src[sOff + i]} for i in [0, n), through heap chunks. */
  static void addTo(FloatBuffer src, int sOff, FloatBuffer dst, int dOff, int n) {
    if (n < 64) {
      for (int i = 0; i < n; i++) {
        dst.put(dOff + i, dst.get(dOff + i) + src.get(sOff + i));
      }
      return;
    }
    float[] a = new float[Math.min(n, CHUNK)];
    float[] b = new float[a.length];
    for (int off = 0; off < n; off += a.length) {
      int len = Math.min(a.length, n - off);
      src.get(sOff + off, a, 0, len);
      dst.get(dOff + off, b, 0, len);
      for (int i = 0; i < len; i++) {
        b[i] += a[i];
      }
      dst.put(dOff + off, b, 0, len);
    }
  }

  /** Sum of {@code a[0, n)} in four interleaved partial sums (not a latency-bound chain). */
  static float sum(float[] a, int n) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int i = 0;
    for (; i <= n - 4; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Sum of squares of {@code b[0, n)}, in double, through heap chunks. */
  static double sumOfSquares(FloatBuffer b, int n) {
    float[] a = new float[Math.min(Math.max(n, 1), CHUNK)];
    double sum = 0;
    for (int off = 0; off < n; off += a.length) {
      int len = Math.min(a.length, n - off);
      b.get(off, a, 0, len);
      for (int i = 0; i < len; i++) {
        double v = a[i];
        sum += v * v;
      }
    }
    return sum;
  }

  /** {@code b[i] *= scale} for i in [0, n), through heap chunks. */
  static void scale(FloatBuffer b, int n, float scale) {
    float[] a = new float[Math.min(Math.max(n, 1), CHUNK)];
    for (int off = 0; off < n; off += a.length) {
      int len = Math.min(a.length, n - off);
      b.get(off, a, 0, len);
      for (int i = 0; i < len; i++) {
        a[i] *= scale;
      }
      b.put(off, a, 0, len);
    }
  }

  static int size(int[] shape) {
    return Tensor.checkedSize(shape);
  }
}

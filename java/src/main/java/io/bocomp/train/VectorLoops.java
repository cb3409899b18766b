package io.bocomp.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise loops of the training ops with the incubating Vector API (256-bit lanes), for
 * the ones the JIT does not vectorize by itself: a data-dependent select compiles to a branch per
 * element, mispredicted half the time on ReLU masks. Loaded only when
 * {@link io.bocomp.engine.cpu.VectorSupport#enabled()} is true (the callers check); the scalar
 * loops in the callers are the reference and the fallback.
 */
final class VectorLoops {
  private static final VectorSpecies<Float> S = io.bocomp.engine.cpu.VectorShape.FLOATS;
  private static final int LANES = S.length();

  private VectorLoops() {}

  /** {@code a[i] = max(a[i], 0)} for i in [0, len). */
  static void relu(float[] a, int len) {
    int i = 0;
    for (; i <= len - LANES; i += LANES) {
      FloatVector.fromArray(S, a, i).max(0f).intoArray(a, i);
    }
    for (; i < len; i++) {
      a[i] = Math.max(a[i], 0f);
    }
  }

  /** {@code g[i] = y[i] > 0 ? g[i] : 0} for i in [0, len). */
  static void reluMask(float[] y, float[] g, int len) {
    int i = 0;
    for (; i <= len - LANES; i += LANES) {
      VectorMask<Float> stop = FloatVector.fromArray(S, y, i).compare(VectorOperators.LE, 0f);
      FloatVector.fromArray(S, g, i).blend(0f, stop).intoArray(g, i);
    }
    for (; i < len; i++) {
      g[i] = y[i] > 0f ? g[i] : 0f;
    }
  }

  /** {@code d[i] += x[i] > 0 ? g[i] : 0} for i in [0, len). */
  static void reluBackward(float[] x, float[] g, float[] d, int len) {
    int i = 0;
    for (; i <= len - LANES; i += LANES) {
      VectorMask<Float> pass = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
      FloatVector.fromArray(S, d, i).add(FloatVector.fromArray(S, g, i), pass).intoArray(d, i);
    }
    for (; i < len; i++) {
      d[i] += x[i] > 0f ? g[i] : 0f;
    }
  }

  /** {@code dst[d0 + i] += a · src[s0 + i]} for i in [0, n). */
  static void axpy(float a, float[] src, int s0, float[] dst, int d0, int n) {
    int i = 0;
    for (; i <= n - LANES; i += LANES) {
      FloatVector.fromArray(S, src, s0 + i)
          .fma(FloatVector.broadcast(S, a), FloatVector.fromArray(S, dst, d0 + i))
          .intoArray(dst, d0 + i);
    }
    for (; i < n; i++) {
      dst[d0 + i] += a * src[s0 + i];
    }
  }

  /** {@code Σ a[a0 + i] · b[b0 + i]} for i in [0, n), in lane-wise partial sums. */
  static float dot(float[] a, int a0, float[] b, int b0, int n) {
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = FloatVector.zero(S);
    int i = 0;
    for (; i <= n - 2 * LANES; i += 2 * LANES) {
      acc0 = FloatVector.fromArray(S, a, a0 + i).fma(FloatVector.fromArray(S, b, b0 + i), acc0);
      acc1 = FloatVector.fromArray(S, a, a0 + i + LANES)
          .fma(FloatVector.fromArray(S, b, b0 + i + LANES), acc1);
    }
    float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += a[a0 + i] * b[b0 + i];
    }
    return s;
  }
}

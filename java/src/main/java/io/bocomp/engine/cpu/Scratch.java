package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker's reusable temporaries: a few heap {@code float[]} arrays (for Java loops, which the
 * JIT vectorizes on arrays but not on direct buffers) and a few direct buffers (for BLAS operands).
 * Each slot grows geometrically on demand and is never shrunk; every growth is counted, so a test
 * can check that steady-state calls allocate nothing.
 */
final class Scratch {
  /** Heap slots: strips of element-wise loops. */
  static final int ROW_A = 0;
  static final int ROW_B = 1;
  static final int ROW_C = 2;
  /** Heap slot: an im2col tile or a padded input plane. */
  static final int TILE = 3;
  /** Heap slot: staged input rows or planes. */
  static final int STAGE = 4;
  /** Heap slot: per-channel parameters (bias, BatchNorm scale and shift). */
  static final int PARAMS = 5;
  /** Heap slot: an accumulator plane. */
  static final int ACC = 6;
  private static final int HEAP_SLOTS = 7;

  /** Direct slots. */
  static final int DIRECT_COL = 0;
  static final int DIRECT_OUT = 1;
  static final int DIRECT_STAGE = 2;
  private static final int DIRECT_SLOTS = 3;

  private final float[][] heap = new float[HEAP_SLOTS][];
  private final FloatBuffer[] direct = new FloatBuffer[DIRECT_SLOTS];
  private final AtomicLong allocations;

  Scratch(AtomicLong allocations) {
    this.allocations = allocations;
    for (int i = 0; i < HEAP_SLOTS; i++) {
      heap[i] = new float[0];
    }
  }

  /** A heap array of at least {@code n} floats in slot {@code slot} (contents unspecified). */
  float[] floats(int slot, int n) {
    float[] a = heap[slot];
    if (a.length < n) {
      a = new float[grow(a.length, n)];
      heap[slot] = a;
      allocations.incrementAndGet();
    }
    return a;
  }

  /** A direct buffer of at least {@code n} floats in slot {@code slot}, positioned at 0. */
  FloatBuffer direct(int slot, int n) {
    FloatBuffer b = direct[slot];
    if (b == null || b.capacity() < n) {
      b = Tensor.allocate(grow(b == null ? 0 : b.capacity(), n));
      direct[slot] = b;
      allocations.incrementAndGet();
    }
    return b;
  }

  private static int grow(int have, int need) {
    long n = Math.max(need, Math.min(Integer.MAX_VALUE - 16, have + (long) have / 2));
    return (int) Math.max(n, 64);
  }
}

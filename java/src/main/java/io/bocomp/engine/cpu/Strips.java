package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * Splits a flat range of elements into parallel tasks and each task into strips small enough to
 * stage in a worker's L1-resident heap array (direct-buffer loops do not vectorize; a bulk copy
 * into a {@code float[]}, an array loop and a bulk copy back are about 2.5x faster).
 */
final class Strips {
  /** Floats per staged strip (16 KiB). */
  static final int STRIP = 4096;
  /** Elements below which a loop runs on one thread (a region costs a few microseconds). */
  static final int GRAIN = 32768;

  /** A body over a sub-range {@code [from, to)}, run by worker {@code worker}. */
  @FunctionalInterface
  interface Range {
    void run(int from, int to, int worker);
  }

  private Strips() {}

  /**
   * Runs {@code body} over {@code [0, n)} split into contiguous ranges, one task each: a single
   * task below {@code grain} elements per thread, else about two tasks per thread.
   */
  static void forRange(WorkerPool pool, int n, int grain, Range body) {
    if (n <= 0) {
      return;
    }
    int tasks = (int) Math.min(2L * pool.threads(), Math.max(1, n / Math.max(1, grain)));
    int per = (n + tasks - 1) / tasks;
    int count = (n + per - 1) / per;
    pool.parallelFor(count, (t, w) -> body.run(t * per, Math.min(n, (t + 1) * per), w));
  }

  /** An element-wise function applied to a staged strip in place. */
  @FunctionalInterface
  interface StripFunction {
    void apply(float[] a, int len);
  }

  /**
   * {@code y[i] = f(x[i])} for {@code i < n}, strip by strip through each worker's
   * {@link Scratch#ROW_A} (reserve {@code STRIP} floats there), in parallel. {@code x} and
   * {@code y} may be the same buffer.
   */
  static void map(WorkerPool pool, FloatBuffer x, FloatBuffer y, int n, StripFunction f) {
    forRange(pool, n, GRAIN, (from, to, w) -> {
      float[] a = pool.scratch(w).floats(Scratch.ROW_A, STRIP);
      for (int s = from; s < to; s += STRIP) {
        int len = Math.min(STRIP, to - s);
        x.get(s, a, 0, len);
        f.apply(a, len);
        y.put(s, a, 0, len);
      }
    });
  }
}

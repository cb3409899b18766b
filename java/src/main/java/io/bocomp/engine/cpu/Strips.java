package io.bocomp.engine.cpu;

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
}

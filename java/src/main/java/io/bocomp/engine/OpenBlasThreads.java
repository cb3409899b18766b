package io.bocomp.engine;

import java.util.function.Supplier;
import org.bytedeco.openblas.presets.openblas_nolapack;

/**
 * OpenBLAS's process-wide thread count: reads it ({@link #current}, which knows OpenBLAS's start-up
 * defaults) and runs a call with a given count, restoring the previous one after it
 * ({@link #with}); and keeps it at 1 while any CPU backend is open
 * ({@link #acquireSingleThreaded} / {@link #releaseSingleThreaded}: the engine parallelizes over its
 * own workers). All changes are serialized on one lock, so a backend opening during a
 * {@code with} call waits for it and the counts saved and restored always nest.
 *
 * <p>It lives in {@code engine} so that both the decompositions ({@code compress}) and the CPU
 * engine's OpenBLAS door ({@code engine.cpu.Blas}) share one implementation.
 */
public final class OpenBlasThreads {
  private static final Object LOCK = new Object();
  private static int openBackends;
  private static int savedThreads;

  private OpenBlasThreads() {}

  /** Runs {@code call} with OpenBLAS limited to {@code threads} (no change if {@code threads < 1}). */
  public static <T> T with(int threads, Supplier<T> call) {
    if (threads < 1) {
      return call.get();
    }
    synchronized (LOCK) {
      int before = current();
      if (before != threads) {
        openblas_nolapack.blas_set_num_threads(threads);
      }
      try {
        return call.get();
      } finally {
        if (before != threads) {
          openblas_nolapack.blas_set_num_threads(before);
        }
      }
    }
  }

  /**
   * OpenBLAS's thread count: the last one set through the preset, else its start-up default
   * (OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS or OMP_NUM_THREADS, else the core count).
   */
  public static int current() {
    int n = openblas_nolapack.blas_get_num_threads();
    if (n >= 1) {
      return n;
    }
    for (String env : new String[] {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"}) {
      String v = System.getenv(env);
      if (v != null) {
        try {
          int t = Integer.parseInt(v.trim());
          if (t >= 1) {
            return t;
          }
        } catch (NumberFormatException ignored) {
          // OpenBLAS ignores a malformed value too
        }
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /** A CPU backend opens: the first one makes OpenBLAS single-threaded. */
  public static void acquireSingleThreaded() {
    synchronized (LOCK) {
      if (openBackends++ == 0) {
        savedThreads = current();
        if (savedThreads != 1) {
          openblas_nolapack.blas_set_num_threads(1);
        }
      }
    }
  }

  /** A CPU backend closes: the last one restores the count from before the first opened. */
  public static void releaseSingleThreaded() {
    synchronized (LOCK) {
      if (--openBackends == 0 && savedThreads != 1) {
        openblas_nolapack.blas_set_num_threads(savedThreads);
      }
    }
  }
}

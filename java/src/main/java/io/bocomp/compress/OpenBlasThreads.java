package io.bocomp.compress;

import java.util.function.Supplier;
import org.bytedeco.openblas.presets.openblas_nolapack;

/**
 * Runs a LAPACK call with a given OpenBLAS thread count and restores the previous count after it.
 * The count is process-wide in OpenBLAS, so changes are serialized on one lock; a forward pass that
 * changes it concurrently (the CPU engine runs OpenBLAS single-threaded) affects speed only, never
 * results.
 */
final class OpenBlasThreads {
  private static final Object LOCK = new Object();

  private OpenBlasThreads() {}

  /** Runs {@code call} with OpenBLAS limited to {@code threads} (no change if {@code threads < 1}). */
  static <T> T with(int threads, Supplier<T> call) {
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
  static int current() {
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
}

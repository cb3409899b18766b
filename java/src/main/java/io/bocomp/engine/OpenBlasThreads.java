package io.bocomp.engine;

import java.util.function.Supplier;
import org.bytedeco.openblas.presets.openblas_nolapack;

/**
 * OpenBLAS's process-wide thread count: reads it ({@link #current}, which knows OpenBLAS's start-up
 * defaults) and runs a call with a given count, restoring the previous one after it
 * ({@link #with}). Changes are serialized on one lock; a forward pass that changes it concurrently
 * (the CPU engine keeps OpenBLAS single-threaded while a backend is open) affects speed only,
 * never results.
 *
 * <p>It lives in {@code engine} so that both the decompositions ({@code compress}) and the CPU
 * engine's OpenBLAS door ({@code engine.cpu.Blas}, which still carries its own copy of
 * {@link #current}) can share one implementation.
 */
public final class OpenBlasThreads {
  private static final Object LOCK = new Object();

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
}

package io.bocomp.engine.cpu;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the generated convolution tiles ({@link BlockedTiles}) compiled before the first forward
 * pass needs them: a daemon thread calls every tile shape, both tap orders, a few thousand times
 * on a few taps of private scratch arrays, started once per JVM by {@link CpuBackend} (and by the
 * command line at start-up, so that it runs beside the model's import).
 *
 * <p>Why: until C2 has compiled them, the tiles run on the Vector API's Java fallback, one to two
 * orders of magnitude slower, and a real pass makes them hot through their tap loops, so C2 first
 * compiles them on-stack-replacement style (the 12x2 tile: 127.6 kB of code, 0.4-1 s of compile
 * on this 2-core machine) and then again as methods. Many short calls make the method compile come
 * first (about 30 kB, a tenth of the time). On the default model, batch 50, the first forward pass
 * took 727-747 ms instead of 1,881-2,096 ms and the process 1.6-2.1 s of CPU less
 * ({@code benchmarks/results/tune-speed.md}). It computes nothing anyone reads; system property
 * {@code bocomp.cpu.warmup=false} turns it off.
 */
public final class TileWarmUp {
  /** Calls per tile shape and order: past C2's method-compile threshold (5,000 invocations). */
  static final int CALLS = 6000;
  /** Taps per call: two trips of the 4-tap loop, so the profile sees the loop run. */
  static final int TAPS = 8;
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private TileWarmUp() {}

  /**
   * Starts the warm-up thread, once per JVM, when the Vector API kernels are on and the warm-up is
   * not turned off.
   *
   * @return true when this call started it
   */
  public static boolean start() {
    if (!VectorSupport.enabled()
        || "false".equals(System.getProperty("bocomp.cpu.warmup", "").trim())
        || !STARTED.compareAndSet(false, true)) {
      return false;
    }
    Thread t = new Thread(() -> run(CALLS), "bocomp-tile-warmup");
    t.setDaemon(true);
    t.start();
    return true;
  }

  /**
   * Calls every tile shape in both tap orders {@code calls} times.
   *
   * @return the number of (shape, order) pairs called
   */
  static int run(int calls) {
    int lanes = BlockedMicroKernels.LANES;
    int[] off = new int[TAPS];
    for (int k = 0; k < TAPS; k++) {
      off[k] = k;
    }
    float[] x = new float[TAPS];
    int pairs = 0;
    for (int[] shape : BlockedTiles.SHAPES) {
      int p = shape[0];
      int ob = shape[1];
      int[] xb = new int[p];
      float[] w = new float[TAPS * ob * lanes];
      float[] tile = new float[p * ob * lanes];
      for (boolean runs : new boolean[] {true, false}) {
        for (int i = 0; i < calls; i++) {
          BlockedTiles.tile(runs, p, ob, x, xb, off, 0, TAPS, w, 0, tile);
        }
        pairs++;
      }
    }
    return pairs;
  }
}

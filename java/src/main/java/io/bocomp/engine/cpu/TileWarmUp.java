package io.bocomp.engine.cpu;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the generated convolution tiles ({@link BlockedTiles}) compiled by C1 before the first
 * forward pass needs them: a daemon thread calls every tile shape, both tap orders, a few hundred
 * times on a few taps of private scratch arrays, started once per JVM by {@link CpuBackend} (and by
 * the command line at start-up, so that it runs beside the model's import).
 *
 * <p>Why: a real pass makes the tiles hot through their long tap loops while they run on the
 * Vector API's Java fallback in the interpreter, one to two orders of magnitude slower, and C2
 * first compiles them on-stack-replacement style (the 12x2 tile: 127.6 kB of code, 0.4-1 s of
 * compile on this 2-core machine). Compiled by C1 beforehand, the first pass runs faster and C2
 * compiles the tiles from the real passes' profile. {@code tune --trials 100} on the default
 * model: 6.83-7.09 s wall against 7.91-8.37 s without ({@code benchmarks/results/tune-speed.md}).
 *
 * <p>Why not further: warmed past C2's threshold (6,000 calls, as this class first did), C2
 * compiled the tiles from the warm-up's 8-tap profile, and in some JVMs those compiles left the
 * final stores of the accumulators unintrinsified ({@code -XX:+PrintIntrinsics}: "missing
 * constant: vclass=DecodeN"), so every vector was boxed: MobileNetV2 ran 4x slower for the whole
 * process (about 150 ms a batch of 50 instead of 38-46 ms) in about one JVM in eight; with 400
 * calls, 0 of 26, as with no warm-up (0 of 40). It computes nothing anyone reads; system property
 * {@code bocomp.cpu.warmup=false} turns it off.
 */
public final class TileWarmUp {
  /**
   * Calls per tile shape and order: past C1's compile threshold (200 invocations), short of C2's
   * (5,000 invocations, or 600 with 15,000 invocations and loop trips together).
   */
  static final int CALLS = 400;
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

package io.bocomp.engine.cpu;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the generated convolution tiles ({@link BlockedTiles}) compiled by C1 before the first
 * forward pass needs them, when system property {@code bocomp.cpu.warmup=true} asks for it: a
 * daemon thread calls every tile shape, both tap orders, a few hundred times on a few taps of
 * private scratch arrays, started once per JVM by {@link CpuBackend} (and by the command line at
 * start-up, so that it runs beside the model's import). Off by default.
 *
 * <p>What it gains: a real pass makes the tiles hot through their long tap loops while they run
 * on the Vector API's Java fallback, one to two orders of magnitude slower, and C2 first compiles
 * them on-stack-replacement style (the 12x2 tile: 127.6 kB of code, 0.4-1 s of compile on this
 * 2-core machine). Compiled by C1 beforehand, the first passes run faster: {@code tune --trials
 * 100 --mode lagrangian} on the default model took 6.83-7.09 s of wall time against 7.91-8.37 s
 * without; {@code ./bocomp tune} (400 trials) in a built clone showed no gain (22.86 and 23.53 s
 * with it, 22.66 and 23.35 s without).
 *
 * <p>Why it is off: with it, some JVMs ran MobileNetV2 about 4x slower for their whole life
 * (about 150 ms a batch of 50 instead of 37-47 ms): C2 left the tiles' final stores unintrinsified
 * ({@code -XX:+PrintIntrinsics}: "missing constant: vclass=DecodeN"), so every vector was boxed.
 * Warmed past C2's threshold (6,000 calls, as this class first did): 7 JVMs of 46; with 400 calls
 * (C1 only): 2 of 70; without a warm-up: 0 of 70 ({@code benchmarks/results/tune-speed.md}). A
 * second faster on the first passes is not worth that risk.
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
   * Starts the warm-up thread, once per JVM, when the Vector API kernels are on and system
   * property {@code bocomp.cpu.warmup} is {@code true}.
   *
   * @return true when this call started it
   */
  public static boolean start() {
    if (!VectorSupport.enabled()
        || !"true".equals(System.getProperty("bocomp.cpu.warmup", "").trim())
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

package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * An activation, or an Add of two same-shaped values followed by an optional activation, on the
 * blocked layout: the element-wise nodes between blocked ops that no convolution's epilogue took
 * over. Inputs and output may have different borders; the output's border is zeroed. One task
 * per image and channel block; one vector per pixel.
 */
final class BlockedElementwiseKernel implements Kernel {
  private static final int L = BlockedMicroKernels.LANES;

  private final BlockedGeometry ga;
  private final BlockedGeometry gb;
  private final BlockedGeometry gy;
  private final BlockedActivation act;

  /**
   * @param gb the second addend's geometry, or null for an activation alone
   */
  BlockedElementwiseKernel(BlockedGeometry ga, BlockedGeometry gb, BlockedGeometry gy,
      Activation act) {
    this.ga = ga;
    this.gb = gb;
    this.gy = gy;
    this.act = new BlockedActivation(act, gy.c);
  }

  @Override
  public String toString() {
    return "Elementwise[blocked " + (gb != null ? "add" : "") + (act.none() ? "" : " act") + "]";
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer a = in[0];
    FloatBuffer b = gb == null ? null : in[1];
    FloatBuffer y = out[0];
    pool.parallelFor(gy.n * gy.blocks, (t, worker) -> task(a, b, y, t / gy.blocks,
        t % gy.blocks));
  }

  private void task(FloatBuffer aBuf, FloatBuffer bBuf, FloatBuffer yBuf, int img, int cb) {
    float[] a = aBuf.array();
    float[] b = bBuf == null ? null : bBuf.array();
    float[] y = yBuf.array();
    int aOff = aBuf.arrayOffset();
    int bOff = bBuf == null ? 0 : bBuf.arrayOffset();
    int yOff = yBuf.arrayOffset();
    gy.zeroBorder(y, yOff, img, cb, cb + 1);
    int n = gy.w * L;
    for (int r = 0; r < gy.h; r++) {
      int ai = aOff + ga.offset(img, cb, r, 0);
      int yi = yOff + gy.offset(img, cb, r, 0);
      System.arraycopy(a, ai, y, yi, n);
      act.finish(y, yi, n, null, 0, true, null, 0, b,
          b == null ? 0 : bOff + gb.offset(img, cb, r, 0), cb);
    }
  }
}

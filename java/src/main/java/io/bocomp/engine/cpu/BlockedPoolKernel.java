package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * MaxPool and AveragePool over 2-D windows (pads, strides, dilations, ceil_mode, auto_pad,
 * count_include_pad) and GlobalAveragePool / GlobalMaxPool on the blocked layout: one vector
 * holds a pixel's channel block, so a window is a handful of vector max or add operations.
 * Windows are clipped to the input as in {@link PoolKernel} (the input's zero border is not
 * read), with the same divisors. A task is a band of output rows of one image and channel block;
 * bands are cut only when images and blocks alone give fewer than 4 tasks per thread. The task of
 * a block's first band zeros the output border.
 */
final class BlockedPoolKernel extends PoolWindow implements Kernel {
  private static final VectorSpecies<Float> S = BlockedMicroKernels.S;
  private static final int L = BlockedMicroKernels.LANES;

  private final BlockedGeometry gx;
  private final BlockedGeometry gy;
  private final boolean max;
  private final boolean global;
  private final boolean includePad;
  private final int bands;
  private final int rowsPerBand;

  BlockedPoolKernel(KernelSpec spec, BlockedGeometry gx, BlockedGeometry gy, int threads) {
    super(spec.node.opType().startsWith("Global") ? null
        : ConvGeometry.of(spec.node, new int[] {gx.h, gx.w}, null), gx.h, gx.w);
    this.gx = gx;
    this.gy = gy;
    String op = spec.node.opType();
    this.max = op.endsWith("MaxPool");
    this.global = op.startsWith("Global");
    this.includePad = spec.node.intAttr("count_include_pad", 0) != 0;
    int planes = gy.n * gy.blocks;
    int b = 1;
    if (planes < 4 * threads && !global) {
      b = Math.min(gy.h, (4 * threads + planes - 1) / planes);
    }
    this.rowsPerBand = (gy.h + b - 1) / b;
    this.bands = (gy.h + rowsPerBand - 1) / rowsPerBand;
  }

  /** True if the node is a pooling op this kernel computes (2-D windows, or global). */
  static boolean applies(String op) {
    return op.equals("MaxPool") || op.equals("AveragePool") || op.equals("GlobalAveragePool")
        || op.equals("GlobalMaxPool");
  }

  @Override
  public String toString() {
    return "Pool[blocked " + (max ? "max" : "average") + (global ? " global" : "") + ", bands="
        + bands + "]";
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    int planes = gy.n * gy.blocks;
    pool.parallelFor(planes * bands, (t, worker) -> task(x, y, (t / bands) / gy.blocks,
        (t / bands) % gy.blocks, t % bands));
  }

  private void task(FloatBuffer xBuf, FloatBuffer yBuf, int img, int cb, int band) {
    float[] x = xBuf.array();
    float[] y = yBuf.array();
    int xOff = xBuf.arrayOffset();
    int yOff = yBuf.arrayOffset();
    if (band == 0) {
      gy.zeroBorder(y, yOff, img, cb, cb + 1);
    }
    if (global) {
      y0(x, xOff + gx.offset(img, cb, 0, 0), y, yOff + gy.offset(img, cb, 0, 0));
      return;
    }
    int r0 = band * rowsPerBand;
    int r1 = Math.min(gy.h, r0 + rowsPerBand);
    int xPlane = xOff + gx.offset(img, cb, 0, 0);
    int xRow = gx.wp * L;
    for (int r = r0; r < r1; r++) {
      int hs = r * sh - pt;
      int i0 = firstValid(hs, dh);
      int i1 = endValid(hs, dh, kh, gx.h);
      int rowsPadded = endValid(hs, dh, kh, gx.h + pb) - firstValid(hs + pt, dh);
      int yi = yOff + gy.offset(img, cb, r, 0);
      for (int c = 0; c < gy.w; c++, yi += L) {
        int ws = c * sw - pl;
        int j0 = firstValid(ws, dw);
        int j1 = endValid(ws, dw, kw, gx.w);
        FloatVector acc = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : 0f);
        for (int i = i0; i < i1; i++) {
          int at = xPlane + (hs + i * dh) * xRow + (ws + j0 * dw) * L;
          for (int j = j0; j < j1; j++, at += dw * L) {
            FloatVector v = FloatVector.fromArray(S, x, at);
            acc = max ? acc.max(v) : acc.add(v);
          }
        }
        if (!max) {
          int count = divisor(includePad, rowsPadded, i1 - i0, ws, gx.w);
          acc = count > 0 ? acc.div((float) count) : FloatVector.zero(S);
        }
        acc.intoArray(y, yi);
      }
    }
  }

  /** Global pooling of one image's block: the plane's rows, two accumulators per row. */
  private void y0(float[] x, int plane, float[] y, int yi) {
    float init = max ? Float.NEGATIVE_INFINITY : 0f;
    FloatVector a = FloatVector.broadcast(S, init);
    FloatVector b = a;
    int xRow = gx.wp * L;
    for (int r = 0; r < gx.h; r++) {
      int at = plane + r * xRow;
      int c = 0;
      for (; c + 1 < gx.w; c += 2, at += 2 * L) {
        FloatVector u = FloatVector.fromArray(S, x, at);
        FloatVector v = FloatVector.fromArray(S, x, at + L);
        a = max ? a.max(u) : a.add(u);
        b = max ? b.max(v) : b.add(v);
      }
      if (c < gx.w) {
        FloatVector u = FloatVector.fromArray(S, x, at);
        a = max ? a.max(u) : a.add(u);
      }
    }
    FloatVector v = max ? a.max(b) : a.add(b).div((float) (gx.h * gx.w));
    v.intoArray(y, yi);
  }
}

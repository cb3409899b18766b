package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * MaxPool, AveragePool (1-D and 2-D; pads, strides, dilations, ceil_mode, auto_pad,
 * count_include_pad) and GlobalAveragePool/GlobalMaxPool (any rank).
 *
 * <p>Each task stages whole input planes in a heap array and writes whole output planes. Windows
 * are clipped to the input, with AveragePool's divisors as {@link PoolWindow} defines them.
 * MaxPool's optional Indices output is not supported.
 */
final class PoolKernel extends PoolWindow implements Kernel {
  private final boolean max;
  private final boolean global;
  private final boolean includePad;
  private final int planes;
  private final int ih;
  private final int iw;
  private final int oh;
  private final int ow;

  private PoolKernel(boolean max, boolean global, boolean includePad, int planes, int[] in,
      int[] out, ConvGeometry g) {
    super(g, 1, 1);
    this.max = max;
    this.global = global;
    this.includePad = includePad;
    this.planes = planes;
    this.ih = in[0];
    this.iw = in[1];
    this.oh = out[0];
    this.ow = out[1];
  }

  static Kernel create(KernelSpec spec) {
    String op = spec.node.opType();
    int[] x = spec.in(0);
    int planes = x[0] * x[1];
    if (op.startsWith("Global")) {
      int plane = 1;
      for (int i = 2; i < x.length; i++) {
        plane *= x[i];
      }
      return new PoolKernel(op.equals("GlobalMaxPool"), true, false, planes,
          new int[] {1, plane}, new int[] {1, 1}, null);
    }
    if (x.length != 3 && x.length != 4) {
      throw spec.unsupported(op + " over " + (x.length - 2) + " spatial dimensions");
    }
    if (spec.node.intAttr("storage_order", 0) != 0) {
      throw spec.unsupported("storage_order=1");
    }
    int[] spatial = Arrays.copyOfRange(x, 2, x.length);
    ConvGeometry g = ConvGeometry.of(spec.node, spatial, null);
    if (x.length == 3) {
      g = ConvGeometry.of(spec.node.toBuilder()
          .attr("kernel_shape", 1L, g.kernel(0))
          .attr("strides", 1L, g.stride(0))
          .attr("dilations", 1L, g.dilation(0))
          .attr("pads", 0L, g.padBegin(0), 0L, g.padEnd(0))
          .attr("auto_pad", "NOTSET")
          .build(), new int[] {1, x[2]}, null);
    }
    boolean isMax = op.equals("MaxPool");
    boolean includePad = spec.node.intAttr("count_include_pad", 0) != 0;
    int[] in2 = x.length == 3 ? new int[] {1, x[2]} : spatial;
    return new PoolKernel(isMax, false, includePad, planes, in2,
        new int[] {g.outSize(0), g.outSize(1)}, g);
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.STAGE, ih * iw);
    s.floats(Scratch.ACC, oh * ow);
    s.floats(Scratch.TILE, paddedRows() * paddedCols());
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    int inPlane = ih * iw;
    int outPlane = oh * ow;
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, inPlane));
    Strips.forRange(pool, planes, grain, (p0, p1, w) -> {
      Scratch s = pool.scratch(w);
      float[] src = s.floats(Scratch.STAGE, inPlane);
      float[] dst = s.floats(Scratch.ACC, outPlane);
      float[] padded = max && !global ? s.floats(Scratch.TILE, paddedRows() * paddedCols()) : null;
      for (int p = p0; p < p1; p++) {
        x.get(p * inPlane, src, 0, inPlane);
        if (global) {
          dst[0] = max ? maxOf(src, inPlane) : (float) (sumOf(src, inPlane) / inPlane);
        } else if (max) {
          maxPlane(src, dst, padded);
        } else {
          averagePlane(src, dst);
        }
        y.put(p * outPlane, dst, 0, outPlane);
      }
    });
  }

  private static float maxOf(float[] a, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = max(m, a[i]);
    }
    return m;
  }

  private static double sumOf(float[] a, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += a[i];
    }
    return s;
  }

  /** Branch-free maximum (a compare-and-branch mispredicts half the time on activations). */
  private static float max(float a, float b) {
    return Math.max(a, b);
  }

  private void maxPlane(float[] src, float[] dst, float[] padded) {
    if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && dh == 1 && dw == 1 && pt == 0 && pl == 0
        && 2 * oh <= ih && 2 * ow <= iw) {
      for (int r = 0; r < oh; r++) {
        int a = 2 * r * iw;
        int b = a + iw;
        int o = r * ow;
        for (int c = 0; c < ow; c++) {
          dst[o + c] = max(max(src[a + 2 * c], src[a + 2 * c + 1]),
              max(src[b + 2 * c], src[b + 2 * c + 1]));
        }
      }
      return;
    }
    // Stage the plane with -inf borders so every window reads without bounds tests.
    int rows = paddedRows();
    int cols = paddedCols();
    for (int r = 0; r < rows; r++) {
      int ir = r - pt;
      int d = r * cols;
      if (ir < 0 || ir >= ih) {
        Arrays.fill(padded, d, d + cols, Float.NEGATIVE_INFINITY);
        continue;
      }
      int lo = Math.min(pl, cols);
      int hi = Math.min(cols, pl + iw);
      Arrays.fill(padded, d, d + lo, Float.NEGATIVE_INFINITY);
      if (hi > lo) {
        System.arraycopy(src, ir * iw, padded, d + lo, hi - lo);
      }
      Arrays.fill(padded, d + Math.max(lo, hi), d + cols, Float.NEGATIVE_INFINITY);
    }
    for (int r = 0; r < oh; r++) {
      int top = r * sh * cols;
      for (int c = 0; c < ow; c++) {
        int base = top + c * sw;
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < kh; i++) {
          int row = base + i * dh * cols;
          for (int j = 0; j < kw; j++) {
            m = max(m, padded[row + j * dw]);
          }
        }
        dst[r * ow + c] = m;
      }
    }
  }

  private int paddedRows() {
    return (oh - 1) * sh + (kh - 1) * dh + 1;
  }

  private int paddedCols() {
    return (ow - 1) * sw + (kw - 1) * dw + 1;
  }

  private void averagePlane(float[] src, float[] dst) {
    for (int r = 0; r < oh; r++) {
      int hs = r * sh - pt;
      int i0 = firstValid(hs, dh);
      int i1 = endValid(hs, dh, kh, ih);
      int rowsPadded = endValid(hs, dh, kh, ih + pb) - firstValid(hs + pt, dh);
      for (int c = 0; c < ow; c++) {
        int ws = c * sw - pl;
        int j0 = firstValid(ws, dw);
        int j1 = endValid(ws, dw, kw, iw);
        float sum = 0f;
        for (int i = i0; i < i1; i++) {
          int row = (hs + i * dh) * iw + ws;
          for (int j = j0; j < j1; j++) {
            sum += src[row + j * dw];
          }
        }
        int count = divisor(includePad, rowsPadded, i1 - i0, ws, iw);
        dst[r * ow + c] = count > 0 ? sum / count : 0f;
      }
    }
  }
}

package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * ConvTranspose over 1-D and 2-D inputs (groups, strides, dilations, pads, output_padding,
 * output_shape, auto_pad) by GEMM + col2im: per (image, group) task, one single-threaded SGEMM
 * computes every kernel tap's contribution of every input pixel ({@code W_g^T x X_g}, a
 * {@code (M/g * kh * kw) x (H * W)} matrix), then each output plane starts from the bias and
 * accumulates those contributions at their strided, dilated, padded positions.
 *
 * <p>Limits: the column matrix of a whole image and group is held at once (no row tiling).
 */
final class ConvTransposeKernel implements Kernel {
  private final int n;
  private final int c;
  private final int h;
  private final int w;
  private final int m;
  private final int groups;
  private final int cg;
  private final int mg;
  private final int kh;
  private final int kw;
  private final int sh;
  private final int sw;
  private final int dh;
  private final int dw;
  private final int pt;
  private final int pl;
  private final int oh;
  private final int ow;
  private final boolean hasBias;

  private ConvTransposeKernel(KernelSpec spec) {
    int[] x = spec.in(0);
    int[] wt = spec.in(1);
    int[] y = spec.out(0);
    if (x.length != 3 && x.length != 4) {
      throw spec.unsupported("ConvTranspose over " + (x.length - 2) + " spatial dimensions");
    }
    int r = x.length - 2;
    boolean oneD = r == 1;
    this.n = x[0];
    this.c = x[1];
    this.h = oneD ? 1 : x[2];
    this.w = x[x.length - 1];
    this.groups = (int) spec.node.intAttr("group", 1);
    this.cg = c / groups;
    this.mg = wt[1];
    this.m = mg * groups;
    this.kh = oneD ? 1 : wt[2];
    this.kw = wt[wt.length - 1];
    this.oh = oneD ? 1 : y[2];
    this.ow = y[y.length - 1];
    long[] s = spec.node.intsAttr("strides", null);
    long[] d = spec.node.intsAttr("dilations", null);
    this.sh = oneD || s == null ? 1 : (int) s[0];
    this.sw = s == null ? 1 : (int) s[r - 1];
    this.dh = oneD || d == null ? 1 : (int) d[0];
    this.dw = d == null ? 1 : (int) d[r - 1];
    this.pt = oneD ? 0 : padBegin(spec, 0, r, h, kh, sh, dh, oh);
    this.pl = padBegin(spec, r - 1, r, w, kw, sw, dw, ow);
    this.hasBias = spec.has(2);
  }

  /** Begin padding of one spatial axis, from pads, or from output_shape / auto_pad. */
  private static int padBegin(KernelSpec spec, int axis, int rank, int in, int k, int s, int d,
      int out) {
    String autoPad = spec.node.stringAttr("auto_pad", "NOTSET");
    long[] pads = spec.node.intsAttr("pads", null);
    boolean derived = spec.node.hasAttribute("output_shape") || autoPad.startsWith("SAME");
    if (!derived) {
      return pads == null || autoPad.equals("VALID") ? 0 : (int) pads[axis];
    }
    long[] op = spec.node.intsAttr("output_padding", null);
    int total = s * (in - 1) + (op == null ? 0 : (int) op[axis]) + (k - 1) * d + 1 - out;
    return autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
  }

  static Kernel create(KernelSpec spec) {
    return new ConvTransposeKernel(spec);
  }

  @Override
  public void reserve(Scratch s) {
    s.direct(Scratch.DIRECT_COL, mg * kh * kw * h * w);
    s.floats(Scratch.ACC, oh * ow);
    s.floats(Scratch.ROW_A, h * w);
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer wt = in[1];
    FloatBuffer bias = hasBias ? in[2] : null;
    FloatBuffer y = out[0];
    int taps = kh * kw;
    int rows = mg * taps;
    int hw = h * w;
    int ohw = oh * ow;
    pool.parallelFor(n * groups, (t, worker) -> {
      int img = t / groups;
      int g = t % groups;
      Scratch s = pool.scratch(worker);
      FloatBuffer col = s.direct(Scratch.DIRECT_COL, rows * hw);
      float[] acc = s.floats(Scratch.ACC, ohw);
      float[] row = s.floats(Scratch.ROW_A, hw);
      // W is [C, M/g, kh, kw]: the group's block is a (cg x rows) matrix, used transposed.
      Blas.sgemm(true, false, rows, hw, cg, 1f, wt, g * cg * rows, rows, x,
          (img * c + g * cg) * hw, hw, 0f, col, 0, hw);
      for (int ml = 0; ml < mg; ml++) {
        int mo = g * mg + ml;
        Arrays.fill(acc, 0, ohw, bias == null ? 0f : bias.get(mo));
        for (int i = 0; i < kh; i++) {
          for (int j = 0; j < kw; j++) {
            col.get((ml * taps + i * kw + j) * hw, row, 0, hw);
            for (int ih = 0; ih < h; ih++) {
              int oy = ih * sh - pt + i * dh;
              if (oy < 0 || oy >= oh) {
                continue;
              }
              for (int iw = 0; iw < w; iw++) {
                int ox = iw * sw - pl + j * dw;
                if (ox >= 0 && ox < ow) {
                  acc[oy * ow + ox] += row[ih * w + iw];
                }
              }
            }
          }
        }
        y.put((img * m + mo) * ohw, acc, 0, ohw);
      }
    });
  }
}

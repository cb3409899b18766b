package io.bocomp.train;

import io.bocomp.engine.cpu.VectorSupport;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Depthwise convolution (one input and one output channel per group) as loops over whole planes,
 * for {@link ConvOp}: each channel's input is staged zero-padded in a heap array once, and every
 * tap is one multiply-add over the plane. For stride 1 the output (and its gradient) is laid out
 * at the staged width, padding ("junk") columns included, so a tap is a single loop over the whole
 * plane that the JIT vectorizes; strided convolutions loop over output rows.
 * The im2col + SGEMM path would build a 9-row column matrix per channel and run a one-row GEMM
 * on it; this does the same arithmetic without either.
 *
 * <ul>
 *   <li>forward: {@code y[c] = b[c] + Σ_taps w[c, tap] · x[c] shifted by the tap}, then the fused
 *       Relu when asked;
 *   <li>input gradient: each output-gradient row scattered back, tap by tap, into a padded
 *       accumulator, whose interior is added to {@code dX};
 *   <li>weight gradient: per tap, the dot product of the output gradient with the shifted input.
 * </ul>
 */
final class DepthwiseConv {
  private DepthwiseConv() {}

  static void forward(Workspace w, ConvOp.Dims d, FloatBuffer x, FloatBuffer wt, FloatBuffer bias,
      boolean relu, FloatBuffer y) {
    Layout l = Layout.of(d);
    int ohw = d.ohw();
    boolean vector = VectorSupport.enabled();
    float[] stage = w.heap(0, l.staged());
    float[] plane = w.heap(1, d.oh() * l.width);
    float[] kernel = w.heap(3, l.taps + ohw);
    Arrays.fill(stage, 0, l.staged(), 0f);
    for (int i = 0; i < d.n(); i++) {
      for (int c = 0; c < d.c(); c++) {
        ConvOp.stageRows(w, d, x, i, c, -d.pt(), l.hp, l.wp, stage, 0);
        wt.get(c * l.taps, kernel, 0, l.taps);
        Arrays.fill(plane, 0, d.oh() * l.width, bias == null ? 0f : bias.get(c));
        for (int ky = 0; ky < d.kh(); ky++) {
          for (int kx = 0; kx < d.kw(); kx++) {
            float wv = kernel[ky * d.kw() + kx];
            int shift = ky * d.dh() * l.wp + kx * d.dw();
            if (l.unit) {
              axpy(vector, wv, stage, shift, plane, 0, d.oh() * l.wp);
              continue;
            }
            for (int oy = 0; oy < d.oh(); oy++) {
              int src = oy * d.sh() * l.wp + shift;
              int dst = oy * d.ow();
              for (int ox = 0; ox < d.ow(); ox++) {
                plane[dst + ox] += wv * stage[src + ox * d.sw()];
              }
            }
          }
        }
        float[] outPlane = plane;
        if (l.unit) {
          outPlane = kernel;
          for (int oy = 0; oy < d.oh(); oy++) {
            System.arraycopy(plane, oy * l.wp, outPlane, l.taps + oy * d.ow(), d.ow());
          }
        }
        int off = l.unit ? l.taps : 0;
        if (relu) {
          for (int p = 0; p < ohw; p++) {
            outPlane[off + p] = Math.max(outPlane[off + p], 0f);
          }
        }
        y.put((i * d.c() + c) * ohw, outPlane, off, ohw);
      }
    }
  }

  /**
   * The staged plane ({@code hp x wp}, plus {@code slack} floats that the last row's shifted reads
   * reach) and the width of an output row: at stride 1 the staged width, so the output and its
   * gradient carry zero junk columns and each tap is one loop over the whole plane.
   */
  private record Layout(int wp, int hp, int slack, int taps, boolean unit, int width) {
    /** Floats of the staged plane, slack included. */
    int staged() {
      return hp * wp + slack;
    }

    static Layout of(ConvOp.Dims d) {
      int wp = ConvOp.paddedW(d);
      boolean unit = d.sh() == 1 && d.sw() == 1;
      return new Layout(wp, ConvOp.paddedH(d), (d.kw() - 1) * d.dw(), d.kh() * d.kw(), unit,
          unit ? wp : d.ow());
    }
  }

  /** Adds the input gradient to {@code dx} and the weight gradient to {@code dw} (either null). */
  static void backward(Workspace w, ConvOp.Dims d, FloatBuffer x, FloatBuffer wt, FloatBuffer dy,
      FloatBuffer dx, FloatBuffer dw) {
    if (dx == null && dw == null) {
      return;
    }
    Layout l = Layout.of(d);
    int ohw = d.ohw();
    boolean vector = VectorSupport.enabled();
    int planeLen = d.oh() * l.width;
    float[] stage = w.heap(0, l.staged());
    float[] acc = w.heap(1, l.staged());
    float[] g = w.heap(3, planeLen + 2 * l.taps);
    Arrays.fill(stage, 0, l.staged(), 0f);
    Arrays.fill(g, 0, planeLen, 0f);
    // The kernel's taps (input gradient) and their gradients sit after the plane in g.
    int kOff = planeLen;
    int gOff = planeLen + l.taps;
    for (int i = 0; i < d.n(); i++) {
      for (int c = 0; c < d.c(); c++) {
        int src = (i * d.c() + c) * ohw;
        if (l.unit) {
          for (int oy = 0; oy < d.oh(); oy++) {
            dy.get(src + oy * d.ow(), g, oy * l.wp, d.ow());
          }
        } else {
          dy.get(src, g, 0, ohw);
        }
        wt.get(c * l.taps, g, kOff, l.taps);
        if (dw != null) {
          ConvOp.stageRows(w, d, x, i, c, -d.pt(), l.hp, l.wp, stage, 0);
        }
        if (dx != null) {
          Arrays.fill(acc, 0, l.staged(), 0f);
        }
        for (int ky = 0; ky < d.kh(); ky++) {
          for (int kx = 0; kx < d.kw(); kx++) {
            int tap = ky * d.kw() + kx;
            int shift = ky * d.dh() * l.wp + kx * d.dw();
            float wv = g[kOff + tap];
            if (l.unit) {
              if (dw != null) {
                g[gOff + tap] = vector ? VectorLoops.dot(g, 0, stage, shift, planeLen)
                    : dot(g, 0, stage, shift, planeLen);
              }
              if (dx != null) {
                axpy(vector, wv, g, 0, acc, shift, planeLen);
              }
              continue;
            }
            float sum = 0f;
            for (int oy = 0; oy < d.oh(); oy++) {
              int at = oy * d.sh() * l.wp + shift;
              int row = oy * d.ow();
              for (int ox = 0; ox < d.ow(); ox++) {
                int s = at + ox * d.sw();
                if (dw != null) {
                  sum += g[row + ox] * stage[s];
                }
                if (dx != null) {
                  acc[s] += wv * g[row + ox];
                }
              }
            }
            g[gOff + tap] = sum;
          }
        }
        if (dw != null) {
          for (int t = 0; t < l.taps; t++) {
            dw.put(c * l.taps + t, dw.get(c * l.taps + t) + g[gOff + t]);
          }
        }
        if (dx != null) {
          addInterior(w, d, acc, l.wp, dx, (i * d.c() + c) * d.hw());
        }
      }
    }
  }

  /** {@code dx[plane + r·w + q] += acc[(r + pt)·wp + pl + q]} over the input's rows and columns. */
  private static void addInterior(Workspace w, ConvOp.Dims d, float[] acc, int wp, FloatBuffer dx,
      int plane) {
    float[] rows = w.heap(2, d.hw());
    dx.get(plane, rows, 0, d.hw());
    for (int r = 0; r < d.h(); r++) {
      int src = (r + d.pt()) * wp + d.pl();
      int dst = r * d.w();
      for (int q = 0; q < d.w(); q++) {
        rows[dst + q] += acc[src + q];
      }
    }
    dx.put(plane, rows, 0, d.hw());
  }

  /**
   * {@code dst[d0 + i] += a · src[s0 + i]}: through the Vector API when available (C2 does not
   * vectorize this loop on JDK 17: {@code src} and {@code dst} may be the same array).
   */
  private static void axpy(boolean vector, float a, float[] src, int s0, float[] dst, int d0,
      int n) {
    if (vector) {
      VectorLoops.axpy(a, src, s0, dst, d0, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      dst[d0 + i] += a * src[s0 + i];
    }
  }

  /** {@code Σ a[ao + i] · b[bo + i]} for i in [0, n), in four interleaved partial sums. */
  private static float dot(float[] a, int ao, float[] b, int bo, int n) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int i = 0;
    for (; i <= n - 4; i += 4) {
      s0 += a[ao + i] * b[bo + i];
      s1 += a[ao + i + 1] * b[bo + i + 1];
      s2 += a[ao + i + 2] * b[bo + i + 2];
      s3 += a[ao + i + 3] * b[bo + i + 3];
    }
    for (; i < n; i++) {
      s0 += a[ao + i] * b[bo + i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}

package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Grouped convolution with few input channels per group (depthwise included) as direct loops: per
 * (image, group) task, the group's input planes are staged zero-padded in a heap array and each
 * output plane is accumulated tap by tap. Many tiny per-group GEMMs would cost more in call and
 * packing overhead than they compute.
 *
 * <p>With stride 1 the accumulator spans the padded width (each row carries {@code (kw-1)*dw}
 * junk columns, dropped when stored), so every tap is one contiguous slice of the padded plane:
 * it is copied to offset 0 of a temporary and accumulated with {@code acc[q] += w * tap[q]}, the
 * same-index form that JDK 17's C2 vectorizes (it does not vectorize loops whose loads and stores
 * use different offsets). Other strides use scalar gathers.
 */
final class DirectConvKernel implements Kernel {
  private final ConvLayout l;
  private final boolean hasBias;
  private final int residualInput;
  private final ConvEpilogue epilogue;
  private final int paddedHeight;
  private final int paddedWidth;

  DirectConvKernel(KernelSpec spec, ConvLayout layout) {
    this.l = layout;
    this.hasBias = spec.has(2);
    this.residualInput = spec.residual ? spec.node.inputs().size() : -1;
    this.epilogue = new ConvEpilogue(false, spec.residual, spec.activation);
    this.paddedHeight = l.stagedRows(l.oh);
    this.paddedWidth = (l.ow - 1) * l.sw + (l.kw - 1) * l.dw + 1;
  }

  @Override
  public String toString() {
    return "Conv[direct, groups=" + l.groups + "]";
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.STAGE, l.cg * paddedHeight * paddedWidth);
    s.floats(Scratch.ACC, l.outPlane());
    s.floats(Scratch.PARAMS, l.mg * l.kdim);
    s.floats(Scratch.ROW_B, l.outPlane());
    s.floats(Scratch.ROW_A, bandLength());
    s.floats(Scratch.ROW_C, bandLength());
  }

  /** Accumulator length of the stride-1 form: output rows at the padded width, last row trimmed. */
  private int bandLength() {
    return (l.oh - 1) * paddedWidth + l.ow;
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer wt = in[1];
    FloatBuffer bias = hasBias ? in[2] : null;
    FloatBuffer res = residualInput >= 0 ? in[residualInput] : null;
    FloatBuffer y = out[0];
    pool.parallelFor(l.n * l.groups, (t, worker) -> group(x, wt, bias, res, y, t / l.groups,
        t % l.groups, pool.scratch(worker)));
  }

  private void group(FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int img, int g, Scratch s) {
    int ph = paddedHeight;
    int pw = paddedWidth;
    int plane = ph * pw;
    int ohw = l.outPlane();
    int ow = l.ow;
    float[] pad = s.floats(Scratch.STAGE, l.cg * plane);
    float[] acc = s.floats(Scratch.ACC, ohw);
    float[] wts = s.floats(Scratch.PARAMS, l.mg * l.kdim);
    float[] rrow = res == null ? null : s.floats(Scratch.ROW_B, ohw);
    wt.get(g * l.mg * l.kdim, wts, 0, l.mg * l.kdim);
    int colLo = l.pl;
    int colHi = Math.min(pw, l.pl + l.w);
    for (int ci = 0; ci < l.cg; ci++) {
      int base = (img * l.c + g * l.cg + ci) * l.h * l.w;
      for (int r = 0; r < ph; r++) {
        int ih = r - l.pt;
        int dst = ci * plane + r * pw;
        if (ih < 0 || ih >= l.h || colHi <= colLo) {
          Arrays.fill(pad, dst, dst + pw, 0f);
          continue;
        }
        Arrays.fill(pad, dst, dst + colLo, 0f);
        x.get(base + ih * l.w, pad, dst + colLo, colHi - colLo);
        Arrays.fill(pad, dst + colHi, dst + pw, 0f);
      }
    }
    if (l.sw == 1 && l.sh == 1) {
      unitStride(pad, wts, bias, res, y, img, g, s);
      return;
    }
    for (int ml = 0; ml < l.mg; ml++) {
      int mo = g * l.mg + ml;
      Arrays.fill(acc, 0, ohw, bias != null ? bias.get(mo) : 0f);
      for (int ci = 0; ci < l.cg; ci++) {
        for (int i = 0; i < l.kh; i++) {
          for (int j = 0; j < l.kw; j++) {
            float wv = wts[((ml * l.cg + ci) * l.kh + i) * l.kw + j];
            int src0 = ci * plane + i * l.dh * pw + j * l.dw;
            for (int r = 0; r < l.oh; r++) {
              int src = src0 + r * l.sh * pw;
              int d = r * ow;
              for (int o = 0; o < ow; o++) {
                acc[d + o] += wv * pad[src + o * l.sw];
              }
            }
          }
        }
      }
      int off = (img * l.m + mo) * ohw;
      epilogue.applyWithoutBias(acc, ohw, res, off, rrow);
      y.put(off, acc, 0, ohw);
    }
  }

  private void unitStride(float[] pad, float[] wts, FloatBuffer bias, FloatBuffer res,
      FloatBuffer y, int img, int g, Scratch s) {
    int pw = paddedWidth;
    int plane = paddedHeight * pw;
    int len = bandLength();
    int ohw = l.outPlane();
    float[] band = s.floats(Scratch.ROW_A, len);
    float[] tap = s.floats(Scratch.ROW_C, len);
    float[] out = s.floats(Scratch.ACC, ohw);
    float[] rrow = res == null ? null : s.floats(Scratch.ROW_B, ohw);
    for (int ml = 0; ml < l.mg; ml++) {
      int mo = g * l.mg + ml;
      Arrays.fill(band, 0, len, bias != null ? bias.get(mo) : 0f);
      for (int ci = 0; ci < l.cg; ci++) {
        for (int i = 0; i < l.kh; i++) {
          for (int j = 0; j < l.kw; j++) {
            float wv = wts[((ml * l.cg + ci) * l.kh + i) * l.kw + j];
            System.arraycopy(pad, ci * plane + i * l.dh * pw + j * l.dw, tap, 0, len);
            for (int q = 0; q < len; q++) {
              band[q] += wv * tap[q];
            }
          }
        }
      }
      for (int r = 0; r < l.oh; r++) {
        System.arraycopy(band, r * pw, out, r * l.ow, l.ow);
      }
      int off = (img * l.m + mo) * ohw;
      epilogue.applyWithoutBias(out, ohw, res, off, rrow);
      y.put(off, out, 0, ohw);
    }
  }
}

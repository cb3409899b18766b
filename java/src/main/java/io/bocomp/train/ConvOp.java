package io.bocomp.train;

import io.bocomp.engine.cpu.Blas;
import io.bocomp.model.ConvGeometry;
import io.bocomp.model.Node;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * 2-D convolution (any stride, padding, dilation and group count) as im2col + SGEMM, and its
 * gradients: {@code dW += dY · colᵀ}, {@code db += Σ dY}, {@code dcol = Wᵀ · dY} scattered back
 * by col2im. Column matrices span several images when one image has few output pixels (so each
 * GEMM has at least about {@value #TARGET_COLS} columns) and are rebuilt in the backward pass rather
 * than kept. A 1×1, stride-1, unpadded convolution multiplies the input planes in place (the
 * 1×1 ends of a Tucker-2 chain). Pruned weights keep their zeros through the optimizer's mask, not
 * here.
 */
final class ConvOp extends TrainOp {
  private static final int TARGET_COLS = 512;

  private final int groups;
  private ConvGeometry geo;
  private int[] geoFor;

  ConvOp(Node node, Ref[] in, int out) {
    super(node, in, out);
    this.groups = (int) node.intAttr("group", 1);
  }

  private ConvGeometry geometry(int[] xs, int[] ws) {
    int[] spatial = {xs[2], xs[3]};
    if (geo == null || !Arrays.equals(geoFor, spatial)) {
      geo = ConvGeometry.of(node, spatial, new int[] {ws[2], ws[3]});
      geoFor = spatial;
    }
    return geo;
  }

  /** Dimensions of one pass, resolved from the current input shape. */
  private record Dims(int n, int c, int h, int w, int m, int cg, int mg, int kh, int kw, int oh,
      int ow, int sh, int sw, int dh, int dw, int pt, int pl, boolean direct) {
    int k() {
      return cg * kh * kw;
    }

    int ohw() {
      return oh * ow;
    }

    int hw() {
      return h * w;
    }

    /** Images per column matrix. */
    int chunk(int remaining) {
      return Math.max(1, Math.min(remaining, (TARGET_COLS + ohw() - 1) / ohw()));
    }
  }

  private Dims dims(Workspace w) {
    int[] xs = in[0].shape(w);
    int[] ws = in[1].shape(w);
    ConvGeometry g = geometry(xs, ws);
    int m = ws[0];
    boolean direct = ws[2] == 1 && ws[3] == 1 && g.stride(0) == 1 && g.stride(1) == 1
        && g.padBegin(0) == 0 && g.padBegin(1) == 0 && g.padEnd(0) == 0 && g.padEnd(1) == 0;
    return new Dims(xs[0], xs[1], xs[2], xs[3], m, xs[1] / groups, m / groups, ws[2], ws[3],
        g.outSize(0), g.outSize(1), g.stride(0), g.stride(1), g.dilation(0), g.dilation(1),
        g.padBegin(0), g.padBegin(1), direct);
  }

  @Override
  void forward(Workspace w) {
    Dims d = dims(w);
    FloatBuffer x = in[0].data(w);
    FloatBuffer wt = in[1].data(w);
    FloatBuffer y = w.output(out, new int[] {d.n, d.m, d.oh, d.ow});
    int k = d.k();
    int ohw = d.ohw();
    if (d.direct) {
      for (int i = 0; i < d.n; i++) {
        for (int g = 0; g < groups; g++) {
          Blas.sgemm(false, false, d.mg, ohw, d.cg, 1f, wt, g * d.mg * d.cg, d.cg, x,
              (i * d.c + g * d.cg) * d.hw(), d.hw(), 0f, y, (i * d.m + g * d.mg) * ohw, ohw);
        }
      }
    } else {
      for (int i0 = 0; i0 < d.n; ) {
        int nb = d.chunk(d.n - i0);
        int cols = nb * ohw;
        FloatBuffer col = w.scratch(0, k * cols);
        for (int g = 0; g < groups; g++) {
          im2col(w, d, x, i0, nb, g, col);
          if (nb == 1) {
            Blas.sgemm(false, false, d.mg, cols, k, 1f, wt, g * d.mg * k, k, col, 0, cols, 0f, y,
                (i0 * d.m + g * d.mg) * ohw, ohw);
          } else {
            FloatBuffer tmp = w.scratch(1, d.mg * cols);
            Blas.sgemm(false, false, d.mg, cols, k, 1f, wt, g * d.mg * k, k, col, 0, cols, 0f, tmp,
                0, cols);
            for (int mm = 0; mm < d.mg; mm++) {
              for (int j = 0; j < nb; j++) {
                y.put(((i0 + j) * d.m + g * d.mg + mm) * ohw, tmp, mm * cols + j * ohw, ohw);
              }
            }
          }
        }
        i0 += nb;
      }
    }
    if (in.length > 2) {
      FloatBuffer b = in[2].data(w);
      for (int i = 0; i < d.n; i++) {
        for (int mm = 0; mm < d.m; mm++) {
          float bv = b.get(mm);
          int base = (i * d.m + mm) * ohw;
          for (int p = 0; p < ohw; p++) {
            y.put(base + p, y.get(base + p) + bv);
          }
        }
      }
    }
  }

  @Override
  void backward(Workspace w) {
    Dims d = dims(w);
    FloatBuffer x = in[0].data(w);
    FloatBuffer wt = in[1].data(w);
    FloatBuffer dy = w.grad[out];
    FloatBuffer dx = in[0].grad(w);
    FloatBuffer dw = in[1].grad(w);
    int k = d.k();
    int ohw = d.ohw();
    if (in.length > 2 && in[2].grad(w) != null) {
      FloatBuffer db = in[2].grad(w);
      for (int i = 0; i < d.n; i++) {
        for (int mm = 0; mm < d.m; mm++) {
          int base = (i * d.m + mm) * ohw;
          float s = 0f;
          for (int p = 0; p < ohw; p++) {
            s += dy.get(base + p);
          }
          db.put(mm, db.get(mm) + s);
        }
      }
    }
    if (d.direct) {
      int hw = d.hw();
      for (int i = 0; i < d.n; i++) {
        for (int g = 0; g < groups; g++) {
          int xo = (i * d.c + g * d.cg) * hw;
          int yo = (i * d.m + g * d.mg) * ohw;
          if (dw != null) {
            Blas.sgemm(false, true, d.mg, d.cg, hw, 1f, dy, yo, ohw, x, xo, hw, 1f, dw,
                g * d.mg * d.cg, d.cg);
          }
          if (dx != null) {
            Blas.sgemm(true, false, d.cg, hw, d.mg, 1f, wt, g * d.mg * d.cg, d.cg, dy, yo, ohw, 1f,
                dx, xo, hw);
          }
        }
      }
      return;
    }
    for (int i0 = 0; i0 < d.n; ) {
      int nb = d.chunk(d.n - i0);
      int cols = nb * ohw;
      for (int g = 0; g < groups; g++) {
        FloatBuffer dyg;
        int dyOff;
        if (nb == 1) {
          dyg = dy;
          dyOff = (i0 * d.m + g * d.mg) * ohw;
        } else {
          dyg = w.scratch(1, d.mg * cols);
          dyOff = 0;
          for (int mm = 0; mm < d.mg; mm++) {
            for (int j = 0; j < nb; j++) {
              dyg.put(mm * cols + j * ohw, dy, ((i0 + j) * d.m + g * d.mg + mm) * ohw, ohw);
            }
          }
        }
        if (dw != null) {
          FloatBuffer col = w.scratch(0, k * cols);
          im2col(w, d, x, i0, nb, g, col);
          Blas.sgemm(false, true, d.mg, k, cols, 1f, dyg, dyOff, cols, col, 0, cols, 1f, dw,
              g * d.mg * k, k);
        }
        if (dx != null) {
          FloatBuffer dcol = w.scratch(2, k * cols);
          Blas.sgemm(true, false, k, cols, d.mg, 1f, wt, g * d.mg * k, k, dyg, dyOff, cols, 0f,
              dcol, 0, cols);
          col2im(w, d, dcol, i0, nb, g, dx);
        }
      }
      i0 += nb;
    }
  }

  /** Padded plane geometry: rows and width of an input channel staged with its zero border. */
  private static int paddedH(Dims d) {
    return Math.max(d.h + d.pt, (d.oh - 1) * d.sh + (d.kh - 1) * d.dh + 1);
  }

  private static int paddedW(Dims d) {
    return Math.max(d.w + d.pl, (d.ow - 1) * d.sw + (d.kw - 1) * d.dw + 1);
  }

  /** Columns of images {@code [i0, i0 + nb)}, group {@code g}: row (c, ky, kx), column (image, pixel). */
  private static void im2col(Workspace w, Dims d, FloatBuffer x, int i0, int nb, int g,
      FloatBuffer col) {
    int hp = paddedH(d);
    int wp = paddedW(d);
    float[] stage = w.heap(0, hp * wp);
    float[] row = w.heap(1, d.ow);
    int cols = nb * d.ohw();
    Arrays.fill(stage, 0, hp * wp, 0f);
    for (int j = 0; j < nb; j++) {
      for (int c = 0; c < d.cg; c++) {
        int plane = ((i0 + j) * d.c + g * d.cg + c) * d.hw();
        for (int r = 0; r < d.h; r++) {
          x.get(plane + r * d.w, stage, (r + d.pt) * wp + d.pl, d.w);
        }
        for (int ky = 0; ky < d.kh; ky++) {
          for (int kx = 0; kx < d.kw; kx++) {
            int rowBase = ((c * d.kh + ky) * d.kw + kx) * cols + j * d.ohw();
            for (int oy = 0; oy < d.oh; oy++) {
              int src = (oy * d.sh + ky * d.dh) * wp + kx * d.dw;
              if (d.sw == 1) {
                col.put(rowBase + oy * d.ow, stage, src, d.ow);
              } else {
                for (int ox = 0; ox < d.ow; ox++) {
                  row[ox] = stage[src + ox * d.sw];
                }
                col.put(rowBase + oy * d.ow, row, 0, d.ow);
              }
            }
          }
        }
      }
    }
  }

  /** Adds the column gradients back onto the input gradient (the adjoint of {@link #im2col}). */
  private static void col2im(Workspace w, Dims d, FloatBuffer dcol, int i0, int nb, int g,
      FloatBuffer dx) {
    int hp = paddedH(d);
    int wp = paddedW(d);
    float[] acc = w.heap(2, hp * wp);
    float[] row = w.heap(1, Math.max(d.ow, d.w));
    int cols = nb * d.ohw();
    for (int j = 0; j < nb; j++) {
      for (int c = 0; c < d.cg; c++) {
        Arrays.fill(acc, 0, hp * wp, 0f);
        for (int ky = 0; ky < d.kh; ky++) {
          for (int kx = 0; kx < d.kw; kx++) {
            int rowBase = ((c * d.kh + ky) * d.kw + kx) * cols + j * d.ohw();
            for (int oy = 0; oy < d.oh; oy++) {
              dcol.get(rowBase + oy * d.ow, row, 0, d.ow);
              int dst = (oy * d.sh + ky * d.dh) * wp + kx * d.dw;
              if (d.sw == 1) {
                for (int ox = 0; ox < d.ow; ox++) {
                  acc[dst + ox] += row[ox];
                }
              } else {
                for (int ox = 0; ox < d.ow; ox++) {
                  acc[dst + ox * d.sw] += row[ox];
                }
              }
            }
          }
        }
        int plane = ((i0 + j) * d.c + g * d.cg + c) * d.hw();
        for (int r = 0; r < d.h; r++) {
          dx.get(plane + r * d.w, row, 0, d.w);
          int src = (r + d.pt) * wp + d.pl;
          for (int q = 0; q < d.w; q++) {
            row[q] += acc[src + q];
          }
          dx.put(plane + r * d.w, row, 0, d.w);
        }
      }
    }
  }
}

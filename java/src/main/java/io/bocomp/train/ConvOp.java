package io.bocomp.train;

import io.bocomp.engine.cpu.Blas;
import io.bocomp.engine.cpu.TrainableConv;
import io.bocomp.model.ConvGeometry;
import io.bocomp.model.Node;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * 2-D convolution (any stride, padding, dilation and group count) and its gradients
 * {@code dW += dY · colᵀ}, {@code db += Σ dY} and {@code dX += Wᵀ · dY} (the adjoint).
 *
 * <p>With the Vector API ({@link TrainableConv#available()}), the forward pass and, for stride-1
 * convolutions, the input gradient run as direct convolutions on the inference engine's kernel,
 * built once per worker and input shape and reloaded with the current weights; the input gradient
 * is the convolution of {@code dY} with the flipped, channel-swapped weights, accumulated into
 * {@code dX} by the kernel's fused residual add. Depthwise convolutions (one input and one output
 * channel per group) run on {@link DepthwiseConv}'s plane loops, with or without the Vector API.
 * Everything else (no Vector API, stride above 1 for the input gradient, groups of 4 or fewer
 * channels that are not depthwise) is im2col + SGEMM and SGEMM + col2im. The weight gradient of
 * non-depthwise convolutions is gathered columns + SGEMM,
 * computed transposed ({@code dWᵀ = col · dYᵀ}, the shape OpenBLAS runs fastest here) over
 * L2-sized bands and added back transposed ({@link #weightGradient}). Column matrices are rebuilt
 * in the backward pass rather than kept. A 1×1, stride-1, unpadded convolution multiplies the
 * input planes in place (the 1×1 ends of a Tucker-2 chain). With {@code relu} the op also applies
 * the Relu that alone reads its output (fused by {@link TrainingGraph}) and masks its output
 * gradient by it. Pruned weights keep their zeros through the optimizer's mask, not here.
 */
final class ConvOp extends TrainOp {
  private static final int TARGET_COLS = 512;
  /** Floats of one weight-gradient column matrix (256 KiB, half of a Zen 2 L2). */
  private static final int COL_BUDGET = 64 * 1024;
  private static final int MIN_COLS = 128;
  /**
   * Groups this narrow (2 to 4 channels, near depthwise) stay on im2col + SGEMM: the direct kernel
   * computes 8 or 16 output channels per group. Depthwise groups (1 channel) never get here: they
   * run on {@link DepthwiseConv}.
   */
  private static final int DEPTHWISE_MAX_GROUP_CHANNELS = 4;

  private final int groups;
  private final long opset;
  /** Applies the following Relu ({@link TrainingGraph}'s fusion): output and gradient mask. */
  private final boolean relu;
  private ConvGeometry geo;
  private int[] geoFor;

  ConvOp(Node node, Ref[] in, int out, long opset, boolean relu) {
    super(node, in, out);
    this.groups = (int) node.intAttr("group", 1);
    this.opset = opset;
    this.relu = relu;
  }

  /** One worker's engine kernels for one input shape ({@link Workspace#state}). */
  private static final class Kernels {
    final int[] shape;
    final TrainableConv forward;
    /** Null when the input needs no gradient or the convolution has no adjoint kernel. */
    final TrainableConv inputGradient;

    Kernels(int[] shape, TrainableConv forward, TrainableConv inputGradient) {
      this.shape = shape;
      this.forward = forward;
      this.inputGradient = inputGradient;
    }
  }

  /** One input and one output channel per group: {@link DepthwiseConv}'s plane loops. */
  private boolean depthwise(Dims d) {
    return groups > 1 && d.cg == 1 && d.mg == 1;
  }

  /** This worker's kernels for the current input shape, or null without the Vector API. */
  private Kernels kernels(Workspace w, Dims d) {
    if (d.direct || !TrainableConv.available()
        || groups > 1 && Math.min(d.cg, d.mg) <= DEPTHWISE_MAX_GROUP_CHANNELS) {
      return null;
    }
    int[] xs = in[0].shape(w);
    Kernels k = (Kernels) w.state[index];
    if (k == null || !Arrays.equals(k.shape, xs)) {
      int[] ws = in[1].shape(w);
      k = new Kernels(xs.clone(), TrainableConv.forward(node, opset, xs, ws, in.length > 2, relu),
          in[0].grad(w) == null ? null : TrainableConv.inputGradient(node, opset, xs, ws));
      w.state[index] = k;
    }
    return k;
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
  record Dims(int n, int c, int h, int w, int m, int cg, int mg, int kh, int kw, int oh,
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
    if (depthwise(d)) {
      DepthwiseConv.forward(w, d, x, wt, in.length > 2 ? in[2].data(w) : null, relu, y);
      return;
    }
    Kernels fast = kernels(w, d);
    if (fast != null) {
      fast.forward.reload(wt, in.length > 2 ? in[2].data(w) : null);
      fast.forward.run(x, y);
      return;
    }
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
          im2col(w, d, x, i0, nb, 0, d.oh, g, col);
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
      addBias(w, d, in[2].data(w), y);
    }
    if (relu) {
      UnaryOp.relu(w, y, y, Buffers.size(w.shape[out]));
    }
  }

  /** {@code y[i, m, ·] += b[m]} over every image and output channel. */
  private static void addBias(Workspace w, Dims d, FloatBuffer b, FloatBuffer y) {
    int ohw = d.ohw();
    float[] plane = w.heap(3, ohw);
    for (int i = 0; i < d.n; i++) {
      for (int mm = 0; mm < d.m; mm++) {
        float bv = b.get(mm);
        int base = (i * d.m + mm) * ohw;
        y.get(base, plane, 0, ohw);
        for (int p = 0; p < ohw; p++) {
          plane[p] += bv;
        }
        y.put(base, plane, 0, ohw);
      }
    }
  }

  /** {@code db[m] += Σ dy[i, m, ·]} over every image. */
  private static void biasGradient(Workspace w, Dims d, FloatBuffer dy, FloatBuffer db) {
    int ohw = d.ohw();
    float[] plane = w.heap(3, ohw);
    for (int mm = 0; mm < d.m; mm++) {
      float s = 0f;
      for (int i = 0; i < d.n; i++) {
        dy.get((i * d.m + mm) * ohw, plane, 0, ohw);
        s += Buffers.sum(plane, ohw);
      }
      db.put(mm, db.get(mm) + s);
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
    if (relu) {
      UnaryOp.reluMask(w, w.val[out], dy, Buffers.size(w.shape[out]));
    }
    if (in.length > 2 && in[2].grad(w) != null) {
      biasGradient(w, d, dy, in[2].grad(w));
    }
    if (depthwise(d)) {
      DepthwiseConv.backward(w, d, x, wt, dy, dx, dw);
      return;
    }
    Kernels fast = kernels(w, d);
    if (fast != null && fast.inputGradient != null && dx != null) {
      fast.inputGradient.reload(wt, null);
      fast.inputGradient.run(dy, dx);
      dx = null;
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
    if (dw != null) {
      weightGradient(w, d, x, dy, dw);
    }
    if (dx == null) {
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
          dyg = gather(w, d, dy, i0, nb, g);
          dyOff = 0;
        }
        FloatBuffer dcol = w.scratch(2, k * cols);
        Blas.sgemm(true, false, k, cols, d.mg, 1f, wt, g * d.mg * k, k, dyg, dyOff, cols, 0f,
            dcol, 0, cols);
        col2im(w, d, dcol, i0, nb, g, dx);
      }
      i0 += nb;
    }
  }

  /** Group {@code g}'s output gradients of images {@code [i0, i0 + nb)} as one [mg x cols] matrix. */
  private static FloatBuffer gather(Workspace w, Dims d, FloatBuffer dy, int i0, int nb, int g) {
    int ohw = d.ohw();
    int cols = nb * ohw;
    FloatBuffer dyg = w.scratch(1, d.mg * cols);
    for (int mm = 0; mm < d.mg; mm++) {
      for (int j = 0; j < nb; j++) {
        dyg.put(mm * cols + j * ohw, dy, ((i0 + j) * d.m + g * d.mg + mm) * ohw, ohw);
      }
    }
    return dyg;
  }

  /**
   * {@code dW += dY · colᵀ}, computed as {@code dWᵀ = col · dYᵀ} (accumulated in scratch 3 as
   * [group][k][mg], then added transposed) over column matrices of about {@value #COL_BUDGET}
   * floats, so each stays in L2 between its gather and SGEMM: bands of output rows of one image,
   * or several whole images when an image has fewer pixels than that. For stride 1 and more
   * column rows ({@code k}) than output channels, the column matrix keeps the staged rows' padding
   * columns ("junk" columns, where the output gradient is set to zero): each of its rows is then
   * one contiguous slice of the staged input, copied in one piece instead of one short copy per
   * output row.
   */
  private void weightGradient(Workspace w, Dims d, FloatBuffer x, FloatBuffer dy, FloatBuffer dw) {
    int k = d.k();
    // Junk columns trade k short row copies of the columns for mg of the gradients per band row.
    boolean junk = d.sh == 1 && d.sw == 1 && k > d.mg;
    int width = junk ? paddedW(d) : d.ow;
    int target = Math.max(MIN_COLS, COL_BUDGET / k);
    int bandRows = d.oh;
    int per = 1;
    if (d.oh * width >= target) {
      bandRows = Math.max(1, target / width);
    } else {
      per = Math.max(1, target / (d.oh * width));
    }
    FloatBuffer dwt = w.scratch(3, groups * k * d.mg);
    float beta = 0f;
    for (int i0 = 0; i0 < d.n; i0 += per) {
      int nb = Math.min(per, d.n - i0);
      for (int r0 = 0; r0 < d.oh; r0 += bandRows) {
        int r1 = Math.min(d.oh, r0 + bandRows);
        int cols = nb * (r1 - r0) * width;
        for (int g = 0; g < groups; g++) {
          FloatBuffer col = w.scratch(0, k * cols);
          if (junk) {
            bandColumns(w, d, x, i0, nb, r0, r1, g, col);
          } else {
            im2col(w, d, x, i0, nb, r0, r1, g, col);
          }
          FloatBuffer dyb = bandGradients(w, d, dy, i0, nb, r0, r1, g, width);
          Blas.sgemm(false, true, k, d.mg, cols, 1f, col, 0, cols, dyb, 0, cols, beta, dwt,
              g * k * d.mg, d.mg);
        }
        beta = 1f;
      }
    }
    addTransposed(w, dwt, groups, k, d.mg, dw);
  }

  /**
   * Group {@code g}'s output gradients of rows {@code [r0, r1)} of images {@code [i0, i0 + nb)} as
   * an [mg x cols] matrix (scratch 1) with {@code width} columns per output row, zero past the
   * output's width.
   */
  private static FloatBuffer bandGradients(Workspace w, Dims d, FloatBuffer dy, int i0, int nb, int r0,
      int r1, int g, int width) {
    int ohw = d.ohw();
    int perImage = (r1 - r0) * width;
    int cols = nb * perImage;
    FloatBuffer dyb = w.scratch(1, d.mg * cols);
    float[] line = w.heap(1, cols);
    for (int mm = 0; mm < d.mg; mm++) {
      for (int j = 0; j < nb; j++) {
        int src = ((i0 + j) * d.m + g * d.mg + mm) * ohw + r0 * d.ow;
        if (width == d.ow) {
          dy.get(src, line, j * perImage, perImage);
          continue;
        }
        for (int oy = r0; oy < r1; oy++) {
          int dst = j * perImage + (oy - r0) * width;
          dy.get(src + (oy - r0) * d.ow, line, dst, d.ow);
          Arrays.fill(line, dst + d.ow, dst + width, 0f);
        }
      }
      dyb.put(mm * cols, line, 0, cols);
    }
    return dyb;
  }

  /**
   * Stride-1 column matrix of output rows {@code [r0, r1)} of images {@code [i0, i0 + nb)}, group
   * {@code g}, with {@link #paddedW} columns per output row: row (c, ky, kx) is the staged,
   * zero-padded input band shifted by {@code (ky·dh, kx·dw)}.
   */
  private static void bandColumns(Workspace w, Dims d, FloatBuffer x, int i0, int nb, int r0,
      int r1, int g, FloatBuffer col) {
    int wp = paddedW(d);
    int hs = (r1 - r0 - 1) + (d.kh - 1) * d.dh + 1;
    int sp = hs * wp + (d.kw - 1) * d.dw;
    int perImage = (r1 - r0) * wp;
    int cols = nb * perImage;
    float[] stage = w.heap(0, nb * sp);
    Arrays.fill(stage, 0, nb * sp, 0f);
    for (int c = 0; c < d.cg; c++) {
      for (int j = 0; j < nb; j++) {
        stageRows(w, d, x, i0 + j, g * d.cg + c, r0 - d.pt, hs, wp, stage, j * sp);
      }
      for (int ky = 0; ky < d.kh; ky++) {
        for (int kx = 0; kx < d.kw; kx++) {
          int row = ((c * d.kh + ky) * d.kw + kx) * cols;
          int shift = ky * d.dh * wp + kx * d.dw;
          for (int j = 0; j < nb; j++) {
            col.put(row + j * perImage, stage, j * sp + shift, perImage);
          }
        }
      }
    }
  }

  /**
   * Copies input rows {@code [top, top + rows)} of channel {@code c} of image {@code i} into
   * {@code stage} at {@code at}, {@code wp} floats per row starting {@code pl} in; rows outside the
   * image and the padding columns are left as they are (zero).
   */
  static void stageRows(Workspace w, Dims d, FloatBuffer x, int i, int c, int top,
      int rows, int wp, float[] stage, int at) {
    int first = Math.max(0, top);
    int last = Math.min(d.h, top + rows);
    if (last <= first) {
      return;
    }
    float[] raw = w.heap(2, d.hw());
    x.get((i * d.c + c) * d.hw() + first * d.w, raw, 0, (last - first) * d.w);
    for (int r = first; r < last; r++) {
      System.arraycopy(raw, (r - first) * d.w, stage, at + (r - top) * wp + d.pl, d.w);
    }
  }

  /** {@code dw[g][mm][kk] += t[g][kk][mm]} for every group. */
  private static void addTransposed(Workspace w, FloatBuffer t, int groups, int k, int mg,
      FloatBuffer dw) {
    float[] tk = w.heap(0, k * mg);
    float[] row = w.heap(1, k);
    for (int g = 0; g < groups; g++) {
      t.get(g * k * mg, tk, 0, k * mg);
      for (int mm = 0; mm < mg; mm++) {
        int base = (g * mg + mm) * k;
        dw.get(base, row, 0, k);
        for (int kk = 0; kk < k; kk++) {
          row[kk] += tk[kk * mg + mm];
        }
        dw.put(base, row, 0, k);
      }
    }
  }

  /** Padded plane geometry: rows and width of an input channel staged with its zero border. */
  static int paddedH(Dims d) {
    return Math.max(d.h + d.pt, (d.oh - 1) * d.sh + (d.kh - 1) * d.dh + 1);
  }

  static int paddedW(Dims d) {
    return Math.max(d.w + d.pl, (d.ow - 1) * d.sw + (d.kw - 1) * d.dw + 1);
  }

  /**
   * Columns of output rows {@code [r0, r1)} of images {@code [i0, i0 + nb)}, group {@code g}: row
   * (c, ky, kx), column (image, pixel of the band). The input rows the band reads are staged
   * zero-padded per channel in a heap array, each column-matrix row is gathered on the heap and
   * stored with one bulk copy.
   */
  private static void im2col(Workspace w, Dims d, FloatBuffer x, int i0, int nb, int r0, int r1,
      int g, FloatBuffer col) {
    int wp = paddedW(d);
    int hs = (r1 - r0 - 1) * d.sh + (d.kh - 1) * d.dh + 1;
    int sp = hs * wp;
    int top = r0 * d.sh - d.pt;
    int band = (r1 - r0) * d.ow;
    int cols = nb * band;
    float[] stage = w.heap(0, nb * sp);
    float[] line = w.heap(1, cols);
    Arrays.fill(stage, 0, nb * sp, 0f);
    for (int c = 0; c < d.cg; c++) {
      for (int j = 0; j < nb; j++) {
        stageRows(w, d, x, i0 + j, g * d.cg + c, top, hs, wp, stage, j * sp);
      }
      for (int ky = 0; ky < d.kh; ky++) {
        for (int kx = 0; kx < d.kw; kx++) {
          for (int j = 0; j < nb; j++) {
            for (int oy = r0; oy < r1; oy++) {
              int src = j * sp + ((oy - r0) * d.sh + ky * d.dh) * wp + kx * d.dw;
              int dst = j * band + (oy - r0) * d.ow;
              if (d.sw == 1) {
                System.arraycopy(stage, src, line, dst, d.ow);
              } else {
                for (int ox = 0; ox < d.ow; ox++) {
                  line[dst + ox] = stage[src + ox * d.sw];
                }
              }
            }
          }
          col.put(((c * d.kh + ky) * d.kw + kx) * cols, line, 0, cols);
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

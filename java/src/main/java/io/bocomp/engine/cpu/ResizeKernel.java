package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import io.bocomp.model.op.ResizeTaps;
import io.bocomp.model.op.Resampling;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Resize (canonical form, {@link Resampling}; Upsample reads the same way) as separable passes.
 *
 * <p>At plan time every resized axis gets a {@link ResizeTaps} table (source indices and weights
 * per output index). The tensor splits into independent planes at the first resized axis (N*C
 * planes for an NCHW image); each task stages whole input planes in a heap array and resizes one
 * axis at a time, innermost first, ping-ponging between two scratch planes: along the last axis
 * each output element is a short dot product over gathered taps (nearest: a plain gather), along
 * an outer axis each output row is a weighted sum of whole input rows (nearest: a row copy), a
 * contiguous loop the JIT vectorizes. Outputs that tf_crop_and_resize places outside the input
 * are then overwritten with the extrapolation value, row by row. An output of the input's shape
 * is a copy (as in ONNX Runtime, whatever the scales).
 *
 * <p>Limits: parallelism is over planes only, so a tensor resized on its first axis (a 2-D image,
 * or N in NCHW) runs on one thread. Scales, sizes and roi must be constants when the graph is
 * planned.
 */
final class ResizeKernel implements Kernel {
  /** One axis's resampling: the plane as {@code [pre, lenIn, post] -> [pre, lenOut, post]}. */
  private record Pass(int pre, int lenIn, int lenOut, int post, ResizeTaps taps) {
    int inSize() {
      return pre * lenIn * post;
    }

    int outSize() {
      return pre * lenOut * post;
    }
  }

  /** Rows of the output plane, {@code [pre, len, post]}, to fill with the extrapolation value. */
  private record Fill(int pre, int len, int post, boolean[] outside) {}

  private final int planes;
  private final int inPlane;
  private final int outPlane;
  private final Pass[] passes;
  private final Fill[] fills;
  private final float extrapolation;
  private final int widest;

  private ResizeKernel(int planes, int inPlane, int outPlane, Pass[] passes, Fill[] fills,
      float extrapolation) {
    this.planes = planes;
    this.inPlane = inPlane;
    this.outPlane = outPlane;
    this.passes = passes;
    this.fills = fills;
    this.extrapolation = extrapolation;
    int w = outPlane;
    for (Pass p : passes) {
      w = Math.max(w, p.outSize());
    }
    this.widest = w;
  }

  static Kernel create(KernelSpec spec) {
    Resampling r = Resampling.of(spec.node);
    int[] x = spec.in(0);
    Tensor[] consts = new Tensor[spec.node.inputs().size()];
    for (int i = 1; i < consts.length; i++) {
      if (spec.has(i) && (i == r.scalesInput() || i == r.sizesInput()
          || (i == r.roiInput() && r.extrapolates()))) {
        consts[i] = spec.requireConstant(i, "Resize input " + i + " ('" + spec.node.input(i)
            + "')");
      }
    }
    Resampling.Geometry g = r.geometry(x, consts);
    int[] out = g.out();
    if (!Arrays.equals(out, spec.out(0))) {
      throw spec.malformed("output shape " + Arrays.toString(out) + " differs from the planned "
          + Arrays.toString(spec.out(0)));
    }
    int rank = x.length;
    if (g.isCopy()) {
      return new ResizeKernel(1, Tensor.checkedSize(x), Tensor.checkedSize(x), new Pass[0],
          new Fill[0], 0f);
    }
    int first = 0;
    while (first < rank && g.keeps(first)) {
      first++;
    }
    int planes = product(x, 0, first);
    // Innermost axis first: axes after the current one already have their output length.
    int[] dims = x.clone();
    List<Pass> passes = new ArrayList<>();
    List<Fill> fills = new ArrayList<>();
    for (int a = rank - 1; a >= first; a--) {
      if (g.keeps(a)) {
        continue;
      }
      ResizeTaps taps = ResizeTaps.of(r, g, a);
      passes.add(new Pass(product(dims, first, a), x[a], out[a], product(dims, a + 1, rank),
          taps));
      dims[a] = out[a];
      if (taps.outside != null) {
        fills.add(new Fill(product(out, first, a), out[a], product(out, a + 1, rank),
            taps.outside));
      }
    }
    return new ResizeKernel(planes, product(x, first, rank), product(out, first, rank),
        passes.toArray(new Pass[0]), fills.toArray(new Fill[0]), r.extrapolationValue());
  }

  private static int product(int[] s, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p = Math.multiplyExact(p, s[i]);
    }
    return p;
  }

  @Override
  public void reserve(Scratch s) {
    if (passes.length > 0) {
      s.floats(Scratch.STAGE, inPlane);
      s.floats(Scratch.TILE, widest);
      s.floats(Scratch.ACC, widest);
    }
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    if (passes.length == 0) {
      if (outPlane > 0) {
        y.put(0, x, 0, outPlane);
      }
      return;
    }
    if (outPlane == 0 || inPlane == 0) {
      return;
    }
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, outPlane));
    Strips.forRange(pool, planes, grain, (p0, p1, w) -> {
      Scratch s = pool.scratch(w);
      float[] stage = s.floats(Scratch.STAGE, inPlane);
      float[] a = s.floats(Scratch.TILE, widest);
      float[] b = s.floats(Scratch.ACC, widest);
      for (int p = p0; p < p1; p++) {
        x.get(p * inPlane, stage, 0, inPlane);
        float[] src = stage;
        float[] dst = a;
        for (Pass pass : passes) {
          apply(pass, src, dst);
          src = dst;
          dst = dst == a ? b : a;
        }
        for (Fill f : fills) {
          fill(f, src);
        }
        y.put(p * outPlane, src, 0, outPlane);
      }
    });
  }

  private static void apply(Pass p, float[] src, float[] dst) {
    ResizeTaps t = p.taps;
    if (p.post == 1) {
      if (t.weight == null) {
        gatherNearest(p, t.index, src, dst);
      } else {
        gatherWeighted(p, t, src, dst);
      }
    } else if (t.weight == null) {
      rowsNearest(p, t.index, src, dst);
    } else {
      rowsWeighted(p, t, src, dst);
    }
  }

  /** Last axis, nearest: {@code dst[r, j] = src[r, index[j]]}. */
  private static void gatherNearest(Pass p, int[] index, float[] src, float[] dst) {
    int lin = p.lenIn;
    int lout = p.lenOut;
    for (int r = 0; r < p.pre; r++) {
      int i = r * lin;
      int o = r * lout;
      for (int j = 0; j < lout; j++) {
        dst[o + j] = src[i + index[j]];
      }
    }
  }

  /** Last axis: {@code dst[r, j] = sum_k weight[j, k] * src[r, index[j, k]]}. */
  private static void gatherWeighted(Pass p, ResizeTaps t, float[] src, float[] dst) {
    int lin = p.lenIn;
    int lout = p.lenOut;
    int k = t.taps;
    int[] index = t.index;
    float[] weight = t.weight;
    for (int r = 0; r < p.pre; r++) {
      int i = r * lin;
      int o = r * lout;
      if (k == 2) {
        for (int j = 0; j < lout; j++) {
          dst[o + j] = weight[2 * j] * src[i + index[2 * j]]
              + weight[2 * j + 1] * src[i + index[2 * j + 1]];
        }
        continue;
      }
      if (k == 4) {
        for (int j = 0; j < lout; j++) {
          int b = 4 * j;
          dst[o + j] = weight[b] * src[i + index[b]] + weight[b + 1] * src[i + index[b + 1]]
              + weight[b + 2] * src[i + index[b + 2]] + weight[b + 3] * src[i + index[b + 3]];
        }
        continue;
      }
      for (int j = 0; j < lout; j++) {
        int base = j * k;
        float acc = weight[base] * src[i + index[base]];
        for (int q = 1; q < k; q++) {
          acc += weight[base + q] * src[i + index[base + q]];
        }
        dst[o + j] = acc;
      }
    }
  }

  /** Outer axis, nearest: output row j copies input row index[j]. */
  private static void rowsNearest(Pass p, int[] index, float[] src, float[] dst) {
    int post = p.post;
    for (int r = 0; r < p.pre; r++) {
      int i = r * p.lenIn;
      int o = r * p.lenOut;
      for (int j = 0; j < p.lenOut; j++) {
        System.arraycopy(src, (i + index[j]) * post, dst, (o + j) * post, post);
      }
    }
  }

  /** Outer axis: output row j is {@code sum_k weight[j, k] * row index[j, k]}. */
  private static void rowsWeighted(Pass p, ResizeTaps t, float[] src, float[] dst) {
    int post = p.post;
    int k = t.taps;
    int[] index = t.index;
    float[] weight = t.weight;
    for (int r = 0; r < p.pre; r++) {
      int i = r * p.lenIn;
      int o = r * p.lenOut;
      for (int j = 0; j < p.lenOut; j++) {
        int d = (o + j) * post;
        int base = j * k;
        if (k == 2) {
          row2(src, (i + index[base]) * post, weight[base], (i + index[base + 1]) * post,
              weight[base + 1], dst, d, post);
          continue;
        }
        if (k == 4) {
          row4(src, i, index, weight, base, post, dst, d);
          continue;
        }
        float w0 = weight[base];
        int s0 = (i + index[base]) * post;
        for (int e = 0; e < post; e++) {
          dst[d + e] = w0 * src[s0 + e];
        }
        for (int q = 1; q < k; q++) {
          float w = weight[base + q];
          int s = (i + index[base + q]) * post;
          for (int e = 0; e < post; e++) {
            dst[d + e] += w * src[s + e];
          }
        }
      }
    }
  }

  private static void row2(float[] src, int s0, float w0, int s1, float w1, float[] dst, int d,
      int n) {
    for (int e = 0; e < n; e++) {
      dst[d + e] = w0 * src[s0 + e] + w1 * src[s1 + e];
    }
  }

  private static void row4(float[] src, int i, int[] index, float[] weight, int base, int n,
      float[] dst, int d) {
    int s0 = (i + index[base]) * n;
    int s1 = (i + index[base + 1]) * n;
    int s2 = (i + index[base + 2]) * n;
    int s3 = (i + index[base + 3]) * n;
    float w0 = weight[base];
    float w1 = weight[base + 1];
    float w2 = weight[base + 2];
    float w3 = weight[base + 3];
    for (int e = 0; e < n; e++) {
      dst[d + e] = w0 * src[s0 + e] + w1 * src[s1 + e] + w2 * src[s2 + e] + w3 * src[s3 + e];
    }
  }

  private void fill(Fill f, float[] plane) {
    for (int r = 0; r < f.pre; r++) {
      for (int j = 0; j < f.len; j++) {
        if (f.outside[j]) {
          int from = (r * f.len + j) * f.post;
          Arrays.fill(plane, from, from + f.post, extrapolation);
        }
      }
    }
  }
}

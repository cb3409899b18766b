package io.bocomp.engine.cpu;

import io.bocomp.model.ElemType;
import io.bocomp.model.Tensor;
import io.bocomp.model.op.MeanVarianceNorm;
import java.nio.FloatBuffer;

/**
 * LayerNormalization (opset 17): each row of the trailing axes from {@code axis} (default -1) is
 * normalized, {@code y = (x - mean) / sqrt(var + epsilon) * scale + B}, with scale and the
 * optional B holding one value per element of the row (they may be run-time data).
 * Also writes outputs 1 and 2 (Mean and InvStdDev, one value per row) when they are read.
 *
 * <p>Algorithm: rows in parallel; each row's moments come from one pass of shifted double sums
 * ({@link NormMoments}), then one vectorizable pass writes {@code (x - mean) * inv * scale + B}.
 * A row up to {@link Strips#STRIP} floats is staged once (and scale and B once per task); longer
 * rows are read twice, strip by strip.
 *
 * <p>With the Vector API ({@link VectorSupport#enabled()} when the kernel is made) and rows up to
 * a strip, rows are staged a strip at a time and each is normalized by
 * {@link VectorMath#layerNorm}: float sums over whole vectors, mean first, then centred squares.
 *
 * <p>Limits: a scale or B that broadcasts to the normalized shape without matching its size
 * (e.g. {@code [D]} over {@code [C, D]}) is refused; stash_type other than 1 (float) is refused when the Mean or InvStdDev output is
 * named (the normalization itself always computes its statistics in double).
 */
final class LayerNormKernel implements Kernel {
  private final int rows;
  private final int width;
  private final double epsilon;
  private final boolean hasBias;
  private final NormMoments.Sums[] sums;
  private final boolean vector;

  private LayerNormKernel(int rows, int width, double epsilon, boolean hasBias, int threads) {
    this.rows = rows;
    this.width = width;
    this.epsilon = epsilon;
    this.hasBias = hasBias;
    this.vector = width > 0 && width <= Strips.STRIP && VectorSupport.enabled();
    this.sums = new NormMoments.Sums[threads];
    for (int i = 0; i < threads; i++) {
      sums[i] = new NormMoments.Sums();
    }
  }

  static Kernel create(KernelSpec spec, int threads) {
    int[] x = spec.in(0);
    int axis = MeanVarianceNorm.layerAxis(spec.node, x.length);
    int width = io.bocomp.model.ShapeInference.product(x, axis, x.length);
    int rows = io.bocomp.model.ShapeInference.product(x, 0, axis);
    for (int i = 1; i <= 2; i++) {
      if (spec.has(i) && Tensor.checkedSize(spec.in(i)) != width) {
        throw spec.unsupported("input " + i + " of shape " + java.util.Arrays.toString(spec.in(i))
            + " broadcast over the normalized shape " + java.util.Arrays.toString(
            java.util.Arrays.copyOfRange(x, axis, x.length)));
      }
    }
    long stash = spec.node.intAttr("stash_type", 1);
    boolean statsNamed = spec.node.outputs().size() > 1 && spec.node.outputs().stream().skip(1)
        .anyMatch(o -> !o.isEmpty());
    if (stash != ElemType.FLOAT && statsNamed) {
      throw spec.unsupported("stash_type " + stash + " with the Mean/InvStdDev outputs");
    }
    return new LayerNormKernel(rows, width, MeanVarianceNorm.epsilon(spec.node), spec.has(2),
        threads);
  }

  @Override
  public int outputs() {
    return 3;
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.STAGE, vector ? Math.max(1, Strips.STRIP / width) * width
        : Math.min(width, Strips.STRIP));
    s.floats(Scratch.PARAMS, 2 * Math.min(width, Strips.STRIP));
    s.floats(Scratch.ROW_A, 2);
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer scale = in[1];
    FloatBuffer bias = hasBias ? in[2] : null;
    FloatBuffer y = out[0];
    FloatBuffer meanOut = out.length > 1 ? out[1] : null;
    FloatBuffer invOut = out.length > 2 ? out[2] : null;
    if (width == 0) {
      return;
    }
    if (vector) {
      runVector(x, scale, bias, y, meanOut, invOut, pool);
      return;
    }
    int strip = Math.min(width, Strips.STRIP);
    boolean staged = width <= Strips.STRIP;
    int grain = Math.max(1, Strips.GRAIN / width);
    Strips.forRange(pool, rows, grain, (r0, r1, w) -> {
      Scratch sc = pool.scratch(w);
      float[] v = sc.floats(Scratch.STAGE, strip);
      float[] p = sc.floats(Scratch.PARAMS, 2 * strip);
      NormMoments.Sums s = sums[w];
      if (staged) {
        params(scale, bias, 0, width, p, strip);
      }
      for (int r = r0; r < r1; r++) {
        int off = r * width;
        NormMoments.sum(x, off, width, v, strip, s);
        double mean = s.mean();
        double inv = s.invStd(epsilon);
        if (meanOut != null) {
          meanOut.put(r, (float) mean);
        }
        if (invOut != null) {
          invOut.put(r, (float) inv);
        }
        for (int q = 0; q < width; q += strip) {
          int len = Math.min(strip, width - q);
          if (!staged) {
            x.get(off + q, v, 0, len);
            params(scale, bias, q, len, p, strip);
          }
          normalize(v, len, p, strip, (float) mean, (float) inv);
          y.put(off + q, v, 0, len);
        }
      }
    });
  }

  /** Rows of at most a strip on {@link VectorMath#layerNorm}, a strip of rows at a time. */
  private void runVector(FloatBuffer x, FloatBuffer scale, FloatBuffer bias, FloatBuffer y,
      FloatBuffer meanOut, FloatBuffer invOut, WorkerPool pool) {
    int per = Math.max(1, Strips.STRIP / width);
    int grain = Math.max(1, Strips.GRAIN / width);
    Strips.forRange(pool, rows, grain, (r0, r1, w) -> {
      Scratch sc = pool.scratch(w);
      float[] v = sc.floats(Scratch.STAGE, per * width);
      float[] p = sc.floats(Scratch.PARAMS, 2 * width);
      float[] stats = sc.floats(Scratch.ROW_A, 2);
      params(scale, bias, 0, width, p, width);
      for (int r = r0; r < r1; r += per) {
        int n = Math.min(per, r1 - r);
        x.get(r * width, v, 0, n * width);
        for (int j = 0; j < n; j++) {
          VectorMath.layerNorm(v, j * width, width, p, width, epsilon, stats);
          if (meanOut != null) {
            meanOut.put(r + j, stats[0]);
          }
          if (invOut != null) {
            invOut.put(r + j, stats[1]);
          }
        }
        y.put(r * width, v, 0, n * width);
      }
    });
  }

  private static void params(FloatBuffer scale, FloatBuffer bias, int q, int len, float[] p,
      int strip) {
    scale.get(q, p, 0, len);
    if (bias != null) {
      bias.get(q, p, strip, len);
    } else {
      java.util.Arrays.fill(p, strip, strip + len, 0f);
    }
  }

  private static void normalize(float[] v, int len, float[] p, int strip, float mean,
      float inv) {
    for (int i = 0; i < len; i++) {
      v[i] = (v[i] - mean) * inv * p[i] + p[strip + i];
    }
  }
}

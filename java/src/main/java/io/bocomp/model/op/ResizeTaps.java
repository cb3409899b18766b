package io.bocomp.model.op;

import java.util.Arrays;

/**
 * Where each output index along one resized axis reads the input, and with which weights: a
 * table computed once when a Resize is planned, so the executors' loops do no coordinate
 * arithmetic. Output {@code j} is {@code sum_k weight[j * taps + k] * x[index[j * taps + k]]}
 * along the axis (nearest: one tap of weight 1, {@link #weight} null); every index lies inside
 * the input (padding taps have weight 0).
 *
 * <p>The weights are ONNX Runtime's, float for float:
 * <ul>
 *   <li>nearest: the coordinate rounded by nearest_mode, clamped to the axis;
 *   <li>linear: the coordinate clamped to {@code [0, len - 1]}, weights {@code |c - i2|} and
 *       {@code |c - i1|} of its neighbours {@code i1 = (int) c}, {@code i2 = min(i1 + 1, len - 1)}
 *       (one half each when they coincide);
 *   <li>cubic: Keys' kernel with coefficient {@code a} on the four neighbours {@code floor(c) - 1
 *       .. floor(c) + 2}, indices clamped to the axis, or, with exclude_outside, outside taps
 *       dropped and the rest renormalized;
 *   <li>antialias (linear or cubic): Pillow's scheme, the filter stretched by {@code 1/scale} when
 *       downscaling; taps {@code floor(center -/+ support + 0.5)} around {@code center = c + 0.5},
 *       weights normalized by their sum, taps outside the axis folded onto its edges (or dropped,
 *       with exclude_outside).
 * </ul>
 * An axis whose scale is 1 samples output {@code j} at input coordinate {@code j} (as ONNX Runtime
 * does, whatever the coordinate mode). With tf_crop_and_resize, {@link #outside} marks the outputs
 * whose coordinate lies outside {@code [0, len - 1]}: they take the extrapolation value.
 */
public final class ResizeTaps {
  /** Taps per output index. */
  public final int taps;
  /** Input indices, {@code lenOut * taps}. */
  public final int[] index;
  /** Weights, {@code lenOut * taps}; null for nearest. */
  public final float[] weight;
  /** Outputs that take the extrapolation value; null when there are none. */
  public final boolean[] outside;

  private ResizeTaps(int taps, int[] index, float[] weight, boolean[] outside) {
    this.taps = taps;
    this.index = index;
    this.weight = weight;
    this.outside = outside;
  }

  /** The table of axis {@code axis} of a resize. */
  public static ResizeTaps of(Resampling r, Resampling.Geometry g, int axis) {
    int lenIn = g.in()[axis];
    int lenOut = g.out()[axis];
    float scale = g.scales()[axis];
    float roiStart = g.roiStart()[axis];
    float roiEnd = g.roiEnd()[axis];
    if (lenOut == 0 || lenIn == 0) {
      return new ResizeTaps(1, new int[0], null, null);
    }
    float[] c = new float[lenOut];
    for (int j = 0; j < lenOut; j++) {
      c[j] = scale == 1f ? j : r.original(j, scale, lenOut, lenIn, roiStart, roiEnd);
    }
    boolean[] outside = null;
    if (r.extrapolates()) {
      for (int j = 0; j < lenOut; j++) {
        if (c[j] < 0 || c[j] > (float) (lenIn - 1)) {
          if (outside == null) {
            outside = new boolean[lenOut];
          }
          outside[j] = true;
        }
      }
    }
    if (r.antialias()) {
      return antialiased(r, lenIn, lenOut, scale, roiStart, roiEnd, outside);
    }
    switch (r.mode()) {
      case LINEAR:
        return linear(c, lenIn, outside);
      case CUBIC:
        return cubic(c, lenIn, r.cubicCoeffA(), r.excludeOutside(), outside);
      case NEAREST:
      default:
        int[] index = new int[lenOut];
        for (int j = 0; j < lenOut; j++) {
          index[j] = (int) Math.max(0, Math.min(lenIn - 1, r.round(c[j])));
        }
        return new ResizeTaps(1, index, null, outside);
    }
  }

  private static ResizeTaps linear(float[] c, int lenIn, boolean[] outside) {
    int n = c.length;
    int[] index = new int[2 * n];
    float[] weight = new float[2 * n];
    for (int j = 0; j < n; j++) {
      float x = Math.max(0f, Math.min(c[j], (float) (lenIn - 1)));
      int i1 = Math.min((int) x, lenIn - 1);
      int i2 = Math.min(i1 + 1, lenIn - 1);
      index[2 * j] = i1;
      index[2 * j + 1] = i2;
      if (i1 == i2) {
        weight[2 * j] = 0.5f;
        weight[2 * j + 1] = 0.5f;
      } else {
        weight[2 * j] = Math.abs(x - i2);
        weight[2 * j + 1] = Math.abs(x - i1);
      }
    }
    return new ResizeTaps(2, index, weight, outside);
  }

  private static ResizeTaps cubic(float[] c, int lenIn, float a, boolean exclude,
      boolean[] outside) {
    int n = c.length;
    int[] index = new int[4 * n];
    float[] weight = new float[4 * n];
    float[] k = new float[4];
    for (int j = 0; j < n; j++) {
      float x = c[j];
      long base = (long) Math.floor(x);
      coefficients(x - (float) Math.floor(x), a, k);
      float sum = 1f;
      if (exclude) {
        sum = 0f;
        for (int t = 0; t < 4; t++) {
          long i = base - 1 + t;
          if (i < 0 || i >= lenIn) {
            k[t] = 0f;
          }
          sum += k[t];
        }
      }
      for (int t = 0; t < 4; t++) {
        long i = base - 1 + t;
        index[4 * j + t] = (int) Math.max(0, Math.min(lenIn - 1, i));
        weight[4 * j + t] = exclude ? k[t] / sum : k[t];
      }
    }
    return new ResizeTaps(4, index, weight, outside);
  }

  /** Keys' cubic convolution weights of the four neighbours at fractional offset {@code s}. */
  private static void coefficients(float s, float a, float[] k) {
    float t = Math.abs(s);
    k[0] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
    k[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
    k[2] = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
    k[3] = ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a;
  }

  private static float filter(boolean cubic, float a, float x) {
    x = Math.abs(x);
    if (!cubic) {
      return x < 1f ? 1f - x : 0f;
    }
    if (x < 1f) {
      return ((a + 2f) * x - (a + 3f)) * x * x + 1;
    }
    if (x < 2f) {
      return (((x - 5f) * x + 8f) * x - 4f) * a;
    }
    return 0f;
  }

  private static ResizeTaps antialiased(Resampling r, int lenIn, int lenOut, float rscale,
      float roiStart, float roiEnd, boolean[] outside) {
    boolean cubic = r.mode() == Resampling.Mode.CUBIC;
    boolean exclude = r.excludeOutside();
    float a = r.cubicCoeffA();
    float supportSize = cubic ? 4f : 2f;
    float scale = 1f / rscale;
    float support = scale >= 1f ? (supportSize * 0.5f) * scale : supportSize * 0.5f;
    float invScale = scale >= 1f ? 1f / scale : 1f;
    int[][] idx = new int[lenOut][];
    float[][] wts = new float[lenOut][];
    int most = 1;
    for (int j = 0; j < lenOut; j++) {
      float center = 0.5f + (scale == 1f ? (float) j
          : r.original(j, rscale, lenOut, lenIn, roiStart, roiEnd));
      long minReal = (long) Math.floor((double) (center - support) + 0.5);
      long maxReal = (long) Math.floor((double) (center + support) + 0.5);
      long minCut = Math.max(minReal, 0);
      long maxCut = Math.min(maxReal, lenIn);
      long lo = exclude ? minCut : minReal;
      long hi = exclude ? maxCut : maxReal;
      int count = (int) Math.max(0, hi - lo);
      int n = (int) Math.max(0, maxCut - minCut);
      float[] acc = new float[Math.max(n, 1)];
      float total = 0f;
      for (int x = 0; x < count; x++) {
        float w = filter(cubic, a, ((float) (x + lo) - center + 0.5f) * invScale);
        total += w;
        if (n > 0) {
          long t = Math.max(minCut, Math.min(maxCut - 1, x + lo));
          acc[(int) (t - minCut)] += w;
        }
      }
      if (total != 0f && total != 1f) {
        for (int x = 0; x < acc.length; x++) {
          acc[x] /= total;
        }
      }
      int[] in = new int[acc.length];
      for (int x = 0; x < in.length; x++) {
        in[x] = (int) Math.max(0, Math.min(lenIn - 1, minCut + Math.min(x, Math.max(n - 1, 0))));
      }
      if (n == 0) {
        acc[0] = 0f;
      }
      idx[j] = in;
      wts[j] = acc;
      most = Math.max(most, acc.length);
    }
    int[] index = new int[lenOut * most];
    float[] weight = new float[lenOut * most];
    for (int j = 0; j < lenOut; j++) {
      int[] in = idx[j];
      Arrays.fill(index, j * most, (j + 1) * most, in[0]);
      System.arraycopy(in, 0, index, j * most, in.length);
      System.arraycopy(wts[j], 0, weight, j * most, in.length);
    }
    return new ResizeTaps(most, index, weight, outside);
  }
}

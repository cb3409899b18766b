package io.bocomp.compress;

import io.bocomp.model.ElemType;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.Tensor;
import io.bocomp.model.op.QuantLayout;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Symmetric weight quantization with a per-group MSE scale search.
 *
 * <p>A group is one output channel ({@link #perChannel}: every element with the same index along
 * the output axis) or, for FC and MatMul weights, a block of {@code g} consecutive inputs of one
 * output ({@link #perGroup}: g in 32, 64, 128 along the input axis; the last block
 * of a row may be shorter). Each group gets one float32 scale s and codes
 * {@code q = clamp(rint(w / s), -qmax, qmax)}, {@code qmax = 2^(b-1) - 1}, so the group's values are
 * {@code q s} ({@link QuantizedTensor#dequantize}).
 *
 * <p>The scale search: {@code s = a max|w| / qmax} with the clipping ratio a chosen per group to
 * minimize the squared error {@code sum (w - q s)^2}, first over a = 1/16, 2/16, ..., 1, then over
 * the 14 values 1/128 apart within 1/16 of the best of those (within (0, 1]). Clipping matters at
 * low widths: for bell-shaped weights the 2-bit optimum clips most of the range (a near 0.3), the
 * 8-bit optimum clips nearly nothing. Every group's error is at most that of the plain max-abs
 * scale (a = 1 is a candidate). A group of zeros gets scale 1 and zero codes. (The search rounds
 * {@code w * (1/s)}; the codes kept are {@code rint(w / s)}, which can differ from it in the last
 * bit of a tie: the search's error estimate, not the codes, may be off by that.)
 *
 * <p>Cost: each group's elements are gathered into one contiguous run, then quantized 30 times
 * (the candidates); see {@code benchmarks/} for timings. Deterministic: no randomness, float32
 * scales.
 */
public final class WeightQuantizer {
  /** Group sizes FC and MatMul weights may be quantized in (0: per output channel). */
  public static final int[] GROUP_SIZES = {32, 64, 128};
  private static final int COARSE = 16;
  private static final int FINE = 8;

  private WeightQuantizer() {}

  /** True for a group size plans may name: 0 (per channel), 32, 64 or 128. */
  public static boolean isGroupSize(int g) {
    return g == 0 || g == 32 || g == 64 || g == 128;
  }

  /**
   * Per-output-channel quantization.
   *
   * @param w the weight
   * @param outputAxis the axis indexing output channels (0 for Conv and Gemm with transB)
   * @param bits one of {@link QuantizedTensor#BIT_WIDTHS}
   */
  public static QuantizedTensor perChannel(Tensor w, int outputAxis, int bits) {
    int[] scaleShape = {w.dim(outputAxis)};
    return quantize(w, outputAxis, 0, scaleShape, bits);
  }

  /**
   * Per-group quantization along the input axis: one scale per output and block of {@code group}
   * inputs (a weight of rank 2).
   *
   * @param inputAxis the axis indexing inputs (1 for Gemm with transB, else 0)
   * @param group 32, 64 or 128
   */
  public static QuantizedTensor perGroup(Tensor w, int inputAxis, int group, int bits) {
    if (w.rank() != 2 || group <= 0) {
      throw new IllegalArgumentException("group quantization needs a matrix and a group size, got "
          + Arrays.toString(w.shape()) + " and " + group);
    }
    int[] scaleShape = w.shape();
    scaleShape[inputAxis] = (w.dim(inputAxis) + group - 1) / group;
    return quantize(w, inputAxis, group, scaleShape, bits);
  }

  /** ‖w − Q(w)‖ / ‖w‖ (0 for a zero weight). */
  public static double relativeError(Tensor w, QuantizedTensor q) {
    Tensor d = q.dequantize();
    FloatBuffer a = w.data();
    FloatBuffer b = d.data();
    double err = 0;
    double norm = 0;
    for (int i = 0, n = w.size(); i < n; i++) {
      double x = a.get(i);
      double e = x - b.get(i);
      err += e * e;
      norm += x * x;
    }
    return norm == 0 ? 0 : Math.sqrt(err / norm);
  }

  private static QuantizedTensor quantize(Tensor w, int axis, int block, int[] scaleShape,
      int bits) {
    if (!QuantizedTensor.isBitWidth(bits)) {
      throw new IllegalArgumentException("unsupported bit width " + bits);
    }
    QuantLayout layout = QuantLayout.of(axis, block, w.shape(), scaleShape);
    int n = w.size();
    int groups = Tensor.checkedSize(scaleShape);
    float[] x = w.toFloatArray();
    // gather each group's elements into one contiguous run: the search then streams through them
    int[] group = new int[n];
    int[] start = new int[groups + 1];
    for (int i = 0; i < n; i++) {
      group[i] = layout.scaleIndex(i);
      start[group[i] + 1]++;
    }
    for (int k = 0; k < groups; k++) {
      start[k + 1] += start[k];
    }
    float[] runs = new float[n];
    int[] fill = java.util.Arrays.copyOf(start, groups);
    for (int i = 0; i < n; i++) {
      runs[fill[group[i]]++] = x[i];
    }
    int qmax = QuantizedTensor.qmax(bits);
    float[] scales = new float[groups];
    for (int k = 0; k < groups; k++) {
      scales[k] = search(runs, start[k], start[k + 1], qmax);
    }
    long[] q = new long[n];
    for (int i = 0; i < n; i++) {
      q[i] = code(x[i], scales[group[i]], qmax);
    }
    int type = QuantizedTensor.storageType(bits);
    Tensor codes = Tensor.ofLongs(w.shape(), q).withElemType(type);
    return new QuantizedTensor(codes, Tensor.of(scaleShape, scales), null, axis, block, bits);
  }

  /** The MSE-best scale of the values {@code v[from, to)}: coarse grid, then a finer one. */
  private static float search(float[] v, int from, int to, int qmax) {
    float maxAbs = 0f;
    for (int i = from; i < to; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(v[i]));
    }
    if (maxAbs == 0f) {
      return 1f;
    }
    float best = scale(maxAbs, 1.0, qmax);
    double bestErr = error(v, from, to, best, qmax);
    double bestRatio = 1.0;
    for (int c = 1; c < COARSE; c++) {
      double ratio = (double) c / COARSE;
      float s = scale(maxAbs, ratio, qmax);
      double e = error(v, from, to, s, qmax);
      if (e < bestErr) {
        bestErr = e;
        best = s;
        bestRatio = ratio;
      }
    }
    double step = 1.0 / (COARSE * FINE);
    for (int f = -FINE + 1; f < FINE; f++) {
      double ratio = bestRatio + f * step;
      if (f == 0 || ratio <= 0 || ratio > 1) {
        continue;
      }
      float s = scale(maxAbs, ratio, qmax);
      double e = error(v, from, to, s, qmax);
      if (e < bestErr) {
        bestErr = e;
        best = s;
      }
    }
    return best;
  }

  private static float scale(float maxAbs, double ratio, int qmax) {
    float s = (float) (ratio * maxAbs / qmax);
    return s > 0f ? s : Float.MIN_NORMAL;
  }

  /**
   * Squared error of quantizing {@code v[from, to)} with scale {@code s}: each {@code v / s}
   * clamped to [-qmax, qmax] first, then rounded half to even by adding and subtracting 1.5 x 2^23
   * (exact in float32 below 2^22; rounding a clamped value equals clamping a rounded one for
   * integer bounds), four partial sums for instruction-level parallelism.
   */
  private static double error(float[] v, int from, int to, float s, int qmax) {
    float inv = 1f / s;
    float hi = qmax;
    float lo = -qmax;
    double e0 = 0;
    double e1 = 0;
    double e2 = 0;
    double e3 = 0;
    int i = from;
    for (; i + 3 < to; i += 4) {
      e0 += sq(v[i], inv, s, lo, hi);
      e1 += sq(v[i + 1], inv, s, lo, hi);
      e2 += sq(v[i + 2], inv, s, lo, hi);
      e3 += sq(v[i + 3], inv, s, lo, hi);
    }
    for (; i < to; i++) {
      e0 += sq(v[i], inv, s, lo, hi);
    }
    return (e0 + e1) + (e2 + e3);
  }

  private static final float ROUNDER = 0x1.8p23f;

  private static float sq(float x, float inv, float s, float lo, float hi) {
    float y = x * inv;
    y = y > hi ? hi : y < lo ? lo : y;
    float r = (y + ROUNDER) - ROUNDER;
    float e = x - r * s;
    return e * e;
  }

  private static long code(float x, float s, int qmax) {
    double r = Math.rint(x / s);
    return (long) Math.max(-qmax, Math.min(qmax, r));
  }

  /** The storage type {@link QuantizedTensor#storageType} gives, by name, for messages. */
  public static String storageName(int bits) {
    return ElemType.name(QuantizedTensor.storageType(bits));
  }
}

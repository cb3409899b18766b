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
 * minimize the squared error {@code sum (w - q s)^2}, first over a = 0.05, 0.10, ..., 1.00, then
 * over 21 values 0.005 apart centred on the best of those (within (0, 1]). Clipping matters at
 * low widths: for bell-shaped weights the 2-bit optimum clips most of the range (a near 0.3), the
 * 8-bit optimum clips nearly nothing. Every group's error is non-increasing against the plain
 * max-abs scale (a = 1 is a candidate). A group of zeros gets scale 1 and zero codes.
 *
 * <p>Cost: 41 passes over the weight (each element quantized once per candidate); about 40 ms for
 * a 1152 x 512 weight on one core. Deterministic: no randomness, float32 scales.
 */
public final class WeightQuantizer {
  /** Group sizes FC and MatMul weights may be quantized in (0: per output channel). */
  public static final int[] GROUP_SIZES = {32, 64, 128};
  private static final int COARSE = 20;
  private static final double FINE_STEP = 0.005;
  private static final int FINE = 21;

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
    int[] group = new int[n];
    float[] maxAbs = new float[groups];
    for (int i = 0; i < n; i++) {
      int k = layout.scaleIndex(i);
      group[i] = k;
      maxAbs[k] = Math.max(maxAbs[k], Math.abs(x[i]));
    }
    int qmax = QuantizedTensor.qmax(bits);
    double[] bestErr = new double[groups];
    float[] bestScale = new float[groups];
    Arrays.fill(bestErr, Double.POSITIVE_INFINITY);
    float[] candidate = new float[groups];
    double[] err = new double[groups];
    double[] bestRatio = new double[groups];
    for (int c = 1; c <= COARSE; c++) {
      double ratio = (double) c / COARSE;
      for (int k = 0; k < groups; k++) {
        candidate[k] = scale(maxAbs[k], ratio, qmax);
      }
      evaluate(x, group, candidate, qmax, err);
      keep(candidate, err, ratio, bestErr, bestScale, bestRatio);
    }
    double[] centre = bestRatio.clone();
    for (int f = 0; f < FINE; f++) {
      double offset = (f - FINE / 2) * FINE_STEP;
      for (int k = 0; k < groups; k++) {
        double ratio = Math.min(1, Math.max(FINE_STEP, centre[k] + offset));
        candidate[k] = scale(maxAbs[k], ratio, qmax);
      }
      evaluate(x, group, candidate, qmax, err);
      keep(candidate, err, Double.NaN, bestErr, bestScale, bestRatio);
    }
    long[] q = new long[n];
    for (int i = 0; i < n; i++) {
      q[i] = code(x[i], bestScale[group[i]], qmax);
    }
    int type = QuantizedTensor.storageType(bits);
    Tensor codes = Tensor.ofLongs(w.shape(), q).withElemType(type);
    Tensor scales = Tensor.of(scaleShape, bestScale);
    return new QuantizedTensor(codes, scales, null, axis, block, bits);
  }

  private static float scale(float maxAbs, double ratio, int qmax) {
    if (maxAbs == 0f) {
      return 1f;
    }
    float s = (float) (ratio * maxAbs / qmax);
    return s > 0f ? s : Float.MIN_NORMAL;
  }

  /** Squared error per group of quantizing {@code x} with {@code scale}. */
  private static void evaluate(float[] x, int[] group, float[] scale, int qmax, double[] err) {
    Arrays.fill(err, 0);
    for (int i = 0; i < x.length; i++) {
      float s = scale[group[i]];
      double e = x[i] - (float) code(x[i], s, qmax) * s;
      err[group[i]] += e * e;
    }
  }

  private static void keep(float[] candidate, double[] err, double ratio, double[] bestErr,
      float[] bestScale, double[] bestRatio) {
    for (int k = 0; k < err.length; k++) {
      if (err[k] < bestErr[k]) {
        bestErr[k] = err[k];
        bestScale[k] = candidate[k];
        if (!Double.isNaN(ratio)) {
          bestRatio[k] = ratio;
        }
      }
    }
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

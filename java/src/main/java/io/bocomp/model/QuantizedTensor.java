package io.bocomp.model;

import io.bocomp.model.op.QuantLayout;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A weight stored as integers with scales, the operands of one DequantizeLinear: integer codes of
 * a storage type ({@link #storageType(int)}), float scales per tensor, per axis or per block
 * ({@link QuantLayout}), optional zero points, and the bit width the codes use.
 *
 * <p>bocomp's own weights are symmetric (no zero point) with codes in {@code [-qmax, qmax]},
 * {@code qmax = 2^(bits-1) - 1}; bit widths 2 to 8 are stored in the narrowest integer type ONNX
 * Runtime 1.29 dequantizes: int2 for 2 bits (opset 25), int4 for 3 and 4 (opset 21), int8 for 5
 * to 8. {@link #dequantize} computes {@code (float) (q - zp) * scale} in float32, the arithmetic
 * of ONNX Runtime's DequantizeLinear and of bocomp's kernel, so a weight folded at load equals the
 * one a trial evaluated, bit for bit.
 *
 * @param codes the integers, declared as their storage type
 * @param scales float scales (scalar, 1-D per axis, or blocked: the codes' rank)
 * @param zeroPoints zero points of the scales' shape and the codes' type, or null (all 0)
 * @param axis the quantization axis (0 for per-tensor)
 * @param blockSize elements per block along the axis, 0 unless blocked
 * @param bits the bit width of the codes (at most the storage type's)
 */
public record QuantizedTensor(Tensor codes, Tensor scales, Tensor zeroPoints, int axis,
    int blockSize, int bits) {

  /** The bit widths bocomp quantizes weights to. */
  public static final int[] BIT_WIDTHS = {2, 3, 4, 5, 6, 8};

  public QuantizedTensor {
    if (codes.isFloat() || !scales.isFloat()) {
      throw new IllegalArgumentException("codes must be integers and scales floats");
    }
    if (zeroPoints != null && !Arrays.equals(zeroPoints.shape(), scales.shape())) {
      throw new IllegalArgumentException("zero points " + Arrays.toString(zeroPoints.shape())
          + " and scales " + Arrays.toString(scales.shape()) + " differ in shape");
    }
    if (bits < 1 || bits > ElemType.bits(codes.elemType())) {
      throw new IllegalArgumentException(bits + " bits in " + ElemType.name(codes.elemType()));
    }
    QuantLayout.of(axis, blockSize, codes.shape(), scales.shape());
  }

  /** True if bocomp quantizes weights to {@code bits} ({@link #BIT_WIDTHS}). */
  public static boolean isBitWidth(int bits) {
    for (int b : BIT_WIDTHS) {
      if (b == bits) {
        return true;
      }
    }
    return false;
  }

  /** The narrowest integer type ONNX Runtime dequantizes that holds symmetric {@code bits}. */
  public static int storageType(int bits) {
    if (bits < 2 || bits > 8) {
      throw new IllegalArgumentException("no storage type for " + bits + " bits");
    }
    return bits == 2 ? ElemType.INT2 : bits <= 4 ? ElemType.INT4 : ElemType.INT8;
  }

  /** Largest code of a symmetric {@code bits}-bit quantization: {@code 2^(bits-1) - 1}. */
  public static int qmax(int bits) {
    return (1 << (bits - 1)) - 1;
  }

  /** Bytes of {@code n} elements of an integer type as a file packs them. */
  public static long packedBytes(long n, int type) {
    return (n * ElemType.bits(type) + 7) / 8;
  }

  /** Where each code's scale is. */
  public QuantLayout layout() {
    return QuantLayout.of(axis, blockSize, codes.shape(), scales.shape());
  }

  /** Bytes in a file: the packed codes, 4 per float32 scale, the packed zero points. */
  public long storageBytes() {
    long b = packedBytes(codes.size(), codes.elemType()) + (long) scales.size()
        * (ElemType.bits(scales.elemType()) / 8);
    if (zeroPoints != null) {
      b += packedBytes(zeroPoints.size(), zeroPoints.elemType());
    }
    return b;
  }

  /** The float weight: {@code (float) (q - zp) * scale} per element. */
  public Tensor dequantize() {
    QuantLayout l = layout();
    long[] q = codes.toLongArray();
    float[] s = scales.toFloatArray();
    long[] z = zeroPoints == null ? null : zeroPoints.toLongArray();
    FloatBuffer out = Tensor.allocate(q.length);
    for (int i = 0; i < q.length; i++) {
      int k = l.scaleIndex(i);
      out.put(i, (float) (z == null ? q[i] : q[i] - z[k]) * s[k]);
    }
    return Tensor.wrap(codes.shape(), out);
  }

  /**
   * Codes of another float weight of the same shape under these scales and zero points:
   * {@code clamp(rint(w / s) + zp)}, within {@code [-qmax, qmax]} when symmetric, else the storage
   * type's range. (Fine-tuning's straight-through quantizer.)
   */
  public QuantizedTensor requantize(Tensor w) {
    if (!Arrays.equals(w.shape(), codes.shape())) {
      throw new IllegalArgumentException("weight " + Arrays.toString(w.shape()) + " vs codes "
          + Arrays.toString(codes.shape()));
    }
    long[] q = new long[w.size()];
    FloatBuffer in = w.data();
    FloatBuffer out = Tensor.allocate(w.size());
    project(in, out, q);
    return new QuantizedTensor(Tensor.ofLongs(codes.shape(), q).withElemType(codes.elemType()),
        scales, zeroPoints, axis, blockSize, bits);
  }

  /**
   * Writes into {@code out} the dequantized projection of {@code w} (same layout as the codes),
   * and its codes into {@code q} when not null; returns the number of elements that were clipped
   * (outside the code range before clamping).
   */
  public int project(FloatBuffer w, FloatBuffer out, long[] q) {
    QuantLayout l = layout();
    float[] s = scales.toFloatArray();
    long[] z = zeroPoints == null ? null : zeroPoints.toLongArray();
    long lo = zeroPoints == null ? -qmax(bits) : ElemType.min(codes.elemType());
    long hi = zeroPoints == null ? qmax(bits) : ElemType.max(codes.elemType());
    int clipped = 0;
    for (int i = 0, n = codes.size(); i < n; i++) {
      int k = l.scaleIndex(i);
      long zp = z == null ? 0 : z[k];
      double r = Math.rint(w.get(i) / s[k]) + zp;
      long c = (long) Math.max(lo, Math.min(hi, r));
      if (r < lo || r > hi) {
        clipped++;
      }
      if (q != null) {
        q[i] = c;
      }
      out.put(i, (float) (c - zp) * s[k]);
    }
    return clipped;
  }

  /**
   * Clamps a float weight of the codes' shape, in place, into the range its codes can reach
   * widened by half a step on each side ({@code [(lo - zp - 1/2) s, (hi - zp + 1/2) s]} per
   * scale): beyond it quantization clips, and a straight-through estimator's latent weight would
   * drift there without changing the quantized value.
   */
  public void clip(FloatBuffer w) {
    QuantLayout l = layout();
    float[] s = scales.toFloatArray();
    long[] z = zeroPoints == null ? null : zeroPoints.toLongArray();
    long lo = zeroPoints == null ? -qmax(bits) : ElemType.min(codes.elemType());
    long hi = zeroPoints == null ? qmax(bits) : ElemType.max(codes.elemType());
    for (int i = 0, n = codes.size(); i < n; i++) {
      int k = l.scaleIndex(i);
      long zp = z == null ? 0 : z[k];
      float a = (float) ((lo - zp - 0.5) * s[k]);
      float b = (float) ((hi - zp + 0.5) * s[k]);
      float v = w.get(i);
      w.put(i, Math.max(Math.min(a, b), Math.min(Math.max(a, b), v)));
    }
  }

  /**
   * The bit width of imported codes: for symmetric codes (no or all-zero zero points) the smallest
   * {@code b} whose {@code [-(2^(b-1) - 1), 2^(b-1) - 1]} holds every code; otherwise (or when a
   * code needs the type's full range) the storage type's width.
   */
  public static int inferBits(Tensor codes, Tensor zeroPoints) {
    int type = codes.elemType();
    int full = ElemType.bits(type);
    if (zeroPoints != null) {
      for (long z : zeroPoints.toLongArray()) {
        if (z != 0) {
          return full;
        }
      }
    }
    long m = 0;
    for (long v : codes.toLongArray()) {
      m = Math.max(m, Math.abs(v));
    }
    for (int b = 2; b < full; b++) {
      if (m <= qmax(b)) {
        return b;
      }
    }
    return full;
  }
}

package io.bocomp.engine.cpu;

import io.bocomp.model.ElemType;
import io.bocomp.model.Tensor;
import io.bocomp.model.op.CastTarget;
import java.nio.FloatBuffer;

/**
 * Cast and CastLike on the float-coded run-time representation (every value a float32; integers
 * and bools as the floats of their values). The conversion depends only on the target type:
 *
 * <ul>
 *   <li>float, double: the value itself (double is computed in float32, as everywhere in bocomp);
 *   <li>float16, bfloat16: rounded to the nearest value of that type, ties to even, as ONNX
 *       Runtime does; beyond the type's range to an infinity; NaN stays NaN. The result is kept as
 *       a float32 (exactly representable);
 *   <li>integers: truncated toward zero, then wrapped into the type's range (two's complement
 *       modulo 2^bits), which is what ONNX Runtime gives for every value whose truncation is in
 *       range. Out of range (and NaN, infinities) ONNX leaves the result undefined and ONNX
 *       Runtime's depends on the CPU; here NaN gives 0, infinities saturate to the int64 range
 *       before wrapping, and unsigned 64-bit results beyond 2^63 are not representable;
 *   <li>bool: {@code x != 0} (NaN is true).
 * </ul>
 *
 * Integers beyond 2^24 are not exact in the float-coded form (a limit of the representation, not
 * of Cast). Limits: string, complex, float8 and 4-bit targets are refused ({@link CastTarget}).
 */
final class CastKernel implements Kernel {
  private final int to;
  private final boolean identity;
  private final int size;

  private CastKernel(int from, int to, int size) {
    this.to = to;
    this.identity = isIdentity(from, to);
    this.size = size;
  }

  static Kernel cast(KernelSpec spec) {
    return new CastKernel(spec.inTypes[0], CastTarget.of(spec.node),
        Tensor.checkedSize(spec.out(0)));
  }

  static Kernel castLike(KernelSpec spec) {
    int to = spec.inTypes.length > 1 && spec.inTypes[1] != 0 ? spec.inTypes[1] : ElemType.FLOAT;
    return new CastKernel(spec.inTypes[0], CastTarget.check(spec.node, to),
        Tensor.checkedSize(spec.out(0)));
  }

  /** True if every value of type {@code from} converts to itself. */
  private static boolean isIdentity(int from, int to) {
    if (to == ElemType.FLOAT || to == ElemType.DOUBLE || to == from) {
      return true;
    }
    if (from == ElemType.BOOL) {
      return to != ElemType.BOOL;
    }
    return ElemType.isInteger(from) && to == ElemType.INT64;
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    if (identity) {
      if (x != y) {
        Strips.forRange(pool, size, Strips.GRAIN * 4, (from, to, w) -> y.put(from, x, from,
            to - from));
      }
      return;
    }
    Strips.map(pool, x, y, size, (a, len) -> convert(to, a, len));
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.ROW_A, Strips.STRIP);
  }

  @Override
  public int inPlaceInput() {
    return 0;
  }

  /** Converts {@code a[0..len)} in place to the float-coded values of type {@code to}. */
  static void convert(int to, float[] a, int len) {
    switch (to) {
      case ElemType.FLOAT:
      case ElemType.DOUBLE:
        return;
      case ElemType.FLOAT16:
        for (int i = 0; i < len; i++) {
          a[i] = roundToFloat16(a[i]);
        }
        return;
      case ElemType.BFLOAT16:
        for (int i = 0; i < len; i++) {
          a[i] = roundToBfloat16(a[i]);
        }
        return;
      case ElemType.BOOL:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] != 0f ? 1f : 0f;
        }
        return;
      case ElemType.INT8:
        for (int i = 0; i < len; i++) {
          a[i] = (byte) (long) a[i];
        }
        return;
      case ElemType.UINT8:
        for (int i = 0; i < len; i++) {
          a[i] = (int) ((long) a[i] & 0xFFL);
        }
        return;
      case ElemType.INT16:
        for (int i = 0; i < len; i++) {
          a[i] = (short) (long) a[i];
        }
        return;
      case ElemType.UINT16:
        for (int i = 0; i < len; i++) {
          a[i] = (int) ((long) a[i] & 0xFFFFL);
        }
        return;
      case ElemType.INT32:
        for (int i = 0; i < len; i++) {
          a[i] = (int) (long) a[i];
        }
        return;
      case ElemType.UINT32:
        for (int i = 0; i < len; i++) {
          a[i] = (long) a[i] & 0xFFFFFFFFL;
        }
        return;
      case ElemType.INT64:
        for (int i = 0; i < len; i++) {
          a[i] = (long) a[i];
        }
        return;
      case ElemType.UINT64:
        for (int i = 0; i < len; i++) {
          long v = (long) a[i];
          a[i] = v >= 0 ? v : (float) (v + 0x1p64);
        }
        return;
      default:
        throw new IllegalArgumentException("cast to " + ElemType.name(to));
    }
  }

  /** The float16 value nearest to x (ties to even), as a float; overflow gives an infinity. */
  static float roundToFloat16(float x) {
    if (Float.isNaN(x) || Float.isInfinite(x) || x == 0f) {
      return x;
    }
    float a = Math.abs(x);
    if (a >= 65520f) {
      // 65520 is halfway between 65504 (the largest float16) and 65536; its tie goes to 65536
      return Math.copySign(Float.POSITIVE_INFINITY, x);
    }
    // the spacing of float16 values near a: 2^-24 among subnormals (below 2^-14), else 2^(e-10)
    int e = Math.max(Math.getExponent(a), -14);
    double quantum = Math.scalb(1.0, e - 10);
    return (float) Math.copySign(Math.rint(a / quantum) * quantum, x);
  }

  /** The bfloat16 value nearest to x (ties to even), as a float; NaN stays NaN. */
  static float roundToBfloat16(float x) {
    if (Float.isNaN(x)) {
      return x;
    }
    int bits = Float.floatToRawIntBits(x);
    bits += 0x7FFF + ((bits >>> 16) & 1);
    return Float.intBitsToFloat(bits & 0xFFFF0000);
  }
}

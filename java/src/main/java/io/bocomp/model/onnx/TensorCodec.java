package io.bocomp.model.onnx;

import com.google.protobuf.UnsafeByteOperations;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * Converts ONNX {@code TensorProto}s to {@link Tensor}s and back.
 *
 * <p>Decoding reads FLOAT and INT64 tensors from their typed field ({@code float_data},
 * {@code int64_data}) or from little-endian {@code raw_data}, or from an external file. Types that
 * graphs use for constants are widened: INT32, INT16, INT8, UINT16, UINT8, UINT32, UINT64 and BOOL
 * become INT64 (UINT64 values above 2^63-1 wrap); DOUBLE, FLOAT16 and BFLOAT16 become FLOAT32; the
 * packed sub-byte integers INT4, UINT4 (two per byte) and INT2, UINT2 (four per byte), the first
 * element in the lowest bits, in {@code raw_data} or one byte per {@code int32_data} entry, become
 * INT64 too (signed ones sign-extended). Any other type (STRING, complex, 8/4-bit floats) is a
 * {@link ModelFormatException} naming the tensor. The declared type is kept
 * ({@link Tensor#elemType()}).
 *
 * <p>The element count implied by {@code dims} is checked against the stored data length before
 * anything is allocated, so a corrupted {@code dims} cannot make the importer allocate more than the
 * file holds. Encoding always writes {@code raw_data} (little-endian), the compact form exporters
 * use, in the tensor's declared type (float16 and bfloat16 rounded to nearest even; sub-byte
 * integers packed as above, the unused high bits of a last partial byte zero; values outside the
 * type's range are an {@link IllegalArgumentException}, since packing would silently wrap them).
 */
final class TensorCodec {
  private TensorCodec() {}

  private static final int FLOAT = 1;
  private static final int UINT8 = 2;
  private static final int INT8 = 3;
  private static final int UINT16 = 4;
  private static final int INT16 = 5;
  private static final int INT32 = 6;
  private static final int INT64 = 7;
  private static final int BOOL = 9;
  private static final int FLOAT16 = 10;
  private static final int DOUBLE = 11;
  private static final int UINT32 = 12;
  private static final int UINT64 = 13;
  private static final int BFLOAT16 = 16;
  private static final int UINT4 = 21;
  private static final int INT4 = 22;
  private static final int UINT2 = 25;
  private static final int INT2 = 26;

  /**
   * Decodes a tensor.
   *
   * @param p the message
   * @param what how to name the tensor in errors, e.g. "initializer 'conv1.weight'"
   * @param external resolves {@code data_location = EXTERNAL}
   */
  static Tensor decode(Onnx.TensorProto p, String what, ExternalDataReader external) {
    int type = p.getDataType();
    int elemBytes = elementBytes(type);
    if (elemBytes == 0) {
      throw new ModelFormatException(what + " has data type " + typeName(type)
          + ", which bocomp cannot convert (it reads float, double, float16, bfloat16 and integer/bool"
          + " tensors)");
    }
    if (p.hasSegment()) {
      throw new ModelFormatException(what + " is a segmented tensor, which bocomp does not read");
    }
    int[] shape = shape(p.getDimsList(), what);
    int n = Tensor.checkedSize(shape);
    int subBits = subByteBits(type);
    long rawBytes = subBits > 0 ? ((long) n * subBits + 7) / 8 : (long) n * elemBytes;

    ByteBuffer raw = null;
    if (p.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
      raw = external.read(p, what, rawBytes);
    } else if (p.hasRawData()) {
      if (typedCount(p) != 0) {
        throw new ModelFormatException(what + " has both raw_data and a typed data field");
      }
      if (p.getRawData().size() != rawBytes) {
        throw new ModelFormatException(what + " has " + p.getRawData().size()
            + " bytes of raw_data, its shape " + java.util.Arrays.toString(shape) + " of "
            + typeName(type) + " needs " + rawBytes);
      }
      raw = p.getRawData().asReadOnlyByteBuffer();
    } else {
      long have = fieldCount(p, type);
      if (have != typedCount(p)) {
        throw new ModelFormatException(what + " of type " + typeName(type)
            + " stores values in a data field of another type");
      }
      long need = subBits > 0 ? rawBytes : n;
      if (have != need) {
        throw new ModelFormatException(what + " holds " + have + (subBits > 0 ? " packed bytes" : " values")
            + ", its shape " + java.util.Arrays.toString(shape) + " needs " + need);
      }
    }
    Tensor t;
    if (subBits > 0) {
      byte[] packed = new byte[(int) rawBytes];
      if (raw != null) {
        raw.duplicate().get(packed);
      } else {
        for (int i = 0; i < packed.length; i++) {
          packed[i] = (byte) p.getInt32Data(i);
        }
      }
      t = Tensor.ofLongs(shape, unpack(packed, n, subBits, type == INT4 || type == INT2));
    } else {
      t = raw != null ? fromRaw(raw.order(ByteOrder.LITTLE_ENDIAN), type, shape, n)
          : fromTyped(p, type, shape, n);
    }
    return t.withElemType(type);
  }

  /** The message for a tensor: name, type, dims and little-endian raw_data. */
  static Onnx.TensorProto.Builder encode(Tensor t, Onnx.TensorProto.Builder into) {
    into.clearDims().clearFloatData().clearInt32Data().clearInt64Data().clearDoubleData()
        .clearUint64Data().clearStringData().clearExternalData().clearDataLocation().clearSegment();
    for (int d : t.shape()) {
      into.addDims(d);
    }
    int type = t.elemType();
    into.setDataType(type);
    int n = t.size();
    if (subByteBits(type) > 0) {
      return into.setRawData(UnsafeByteOperations.unsafeWrap(pack(t.toLongArray(), type)));
    }
    ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(t.size(), elementBytes(type)))
        .order(ByteOrder.LITTLE_ENDIAN);
    if (t.isFloat()) {
      FloatBuffer f = t.data();
      switch (type) {
        case DOUBLE:
          for (int i = 0; i < n; i++) {
            bytes.putDouble(f.get(i));
          }
          break;
        case FLOAT16:
          for (int i = 0; i < n; i++) {
            bytes.putShort(floatToHalf(f.get(i)));
          }
          break;
        case BFLOAT16:
          for (int i = 0; i < n; i++) {
            bytes.putShort(floatToBfloat16(f.get(i)));
          }
          break;
        default:
          bytes.asFloatBuffer().put(f);
      }
    } else {
      long[] v = t.toLongArray();
      for (long x : v) {
        switch (elementBytes(type)) {
          case 1: bytes.put((byte) x); break;
          case 2: bytes.putShort((short) x); break;
          case 4: bytes.putInt((int) x); break;
          default: bytes.putLong(x); break;
        }
      }
    }
    // the array is private to this call and never written again: wrap it instead of copying
    return into.setRawData(UnsafeByteOperations.unsafeWrap(bytes.array()));
  }

  /** Bits per element of the packed sub-byte integer types, 0 for every other type. */
  static int subByteBits(int type) {
    return type == INT4 || type == UINT4 ? 4 : type == INT2 || type == UINT2 ? 2 : 0;
  }

  /**
   * Packs sub-byte integers, the first element in the lowest bits of the first byte.
   *
   * @throws IllegalArgumentException for a value outside the type's range
   */
  static byte[] pack(long[] v, int type) {
    int bits = subByteBits(type);
    boolean signed = type == INT4 || type == INT2;
    long lo = signed ? -(1L << (bits - 1)) : 0;
    long hi = signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
    int per = 8 / bits;
    int mask = (1 << bits) - 1;
    byte[] out = new byte[(int) (((long) v.length * bits + 7) / 8)];
    for (int i = 0; i < v.length; i++) {
      if (v[i] < lo || v[i] > hi) {
        throw new IllegalArgumentException("value " + v[i] + " at " + i + " is outside "
            + typeName(type) + " [" + lo + ", " + hi + "]");
      }
      out[i / per] |= (byte) (((int) v[i] & mask) << (bits * (i % per)));
    }
    return out;
  }

  /** Unpacks {@code n} sub-byte integers of {@code bits} each (sign-extended when signed). */
  static long[] unpack(byte[] packed, int n, int bits, boolean signed) {
    int per = 8 / bits;
    int mask = (1 << bits) - 1;
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      int v = (packed[i / per] >> (bits * (i % per))) & mask;
      out[i] = signed && v >= (1 << (bits - 1)) ? v - (1 << bits) : v;
    }
    return out;
  }

  /** IEEE half precision, round to nearest even (overflow to infinity, NaN kept). */
  static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }

  /** bfloat16, round to nearest even (NaN kept). */
  static short floatToBfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  /** Shape from dims, each in 0..2^31-1, the product at most 2^31-1. */
  static int[] shape(List<Long> dims, String what) {
    int[] shape = new int[dims.size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = dims.get(i);
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new ModelFormatException(what + " has invalid dimension " + d + " in dims " + dims);
      }
      shape[i] = (int) d;
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new ModelFormatException(what + " has more than 2^31-1 elements (dims " + dims + ")");
      }
    }
    return shape;
  }

  /**
   * Bytes per element in raw_data for the types bocomp converts (1 for the packed sub-byte types,
   * whose true size is {@link #subByteBits}); 0 for the others.
   */
  static int elementBytes(int type) {
    switch (type) {
      case UINT8: case INT8: case BOOL: case UINT4: case INT4: case UINT2: case INT2: return 1;
      case UINT16: case INT16: case FLOAT16: case BFLOAT16: return 2;
      case FLOAT: case INT32: case UINT32: return 4;
      case INT64: case DOUBLE: case UINT64: return 8;
      default: return 0;
    }
  }

  static String typeName(int type) {
    if (type == UINT2 || type == INT2) {
      return type == UINT2 ? "UINT2" : "INT2"; // newer than the bundled onnx.proto
    }
    Onnx.TensorProto.DataType t = Onnx.TensorProto.DataType.forNumber(type);
    return t == null ? "code " + type : t.name();
  }

  private static boolean isFloatType(int type) {
    return type == FLOAT || type == DOUBLE || type == FLOAT16 || type == BFLOAT16;
  }

  /** Number of values in the typed field the type is stored in. */
  private static long typedCount(Onnx.TensorProto p) {
    return (long) p.getFloatDataCount() + p.getInt32DataCount() + p.getInt64DataCount()
        + p.getDoubleDataCount() + p.getUint64DataCount() + p.getStringDataCount();
  }

  /** Number of values in the typed field that ONNX stores this type in. */
  private static long fieldCount(Onnx.TensorProto p, int type) {
    switch (type) {
      case FLOAT: return p.getFloatDataCount();
      case DOUBLE: return p.getDoubleDataCount();
      case INT64: return p.getInt64DataCount();
      case UINT32: case UINT64: return p.getUint64DataCount();
      default: return p.getInt32DataCount();
    }
  }

  private static Tensor fromRaw(ByteBuffer raw, int type, int[] shape, int n) {
    if (isFloatType(type)) {
      FloatBuffer out = Tensor.allocate(n);
      switch (type) {
        case FLOAT:
          out.put(raw.asFloatBuffer()).rewind();
          break;
        case DOUBLE:
          for (int i = 0; i < n; i++) {
            out.put(i, (float) raw.getDouble(raw.position() + 8 * i));
          }
          break;
        case FLOAT16:
          for (int i = 0; i < n; i++) {
            out.put(i, halfToFloat(raw.getShort(raw.position() + 2 * i)));
          }
          break;
        default: // BFLOAT16
          for (int i = 0; i < n; i++) {
            out.put(i, Float.intBitsToFloat((raw.getShort(raw.position() + 2 * i) & 0xffff) << 16));
          }
      }
      return Tensor.wrap(shape, out);
    }
    long[] out = new long[n];
    int p0 = raw.position();
    switch (type) {
      case INT64: case UINT64:
        LongBuffer lb = raw.asLongBuffer();
        lb.get(out);
        break;
      case INT32:
        for (int i = 0; i < n; i++) {
          out[i] = raw.getInt(p0 + 4 * i);
        }
        break;
      case UINT32:
        for (int i = 0; i < n; i++) {
          out[i] = raw.getInt(p0 + 4 * i) & 0xffffffffL;
        }
        break;
      case INT16:
        for (int i = 0; i < n; i++) {
          out[i] = raw.getShort(p0 + 2 * i);
        }
        break;
      case UINT16:
        for (int i = 0; i < n; i++) {
          out[i] = raw.getShort(p0 + 2 * i) & 0xffff;
        }
        break;
      case INT8:
        for (int i = 0; i < n; i++) {
          out[i] = raw.get(p0 + i);
        }
        break;
      case BOOL:
        for (int i = 0; i < n; i++) {
          out[i] = raw.get(p0 + i) != 0 ? 1 : 0;
        }
        break;
      default: // UINT8
        for (int i = 0; i < n; i++) {
          out[i] = raw.get(p0 + i) & 0xff;
        }
    }
    return Tensor.ofLongs(shape, out);
  }

  private static Tensor fromTyped(Onnx.TensorProto p, int type, int[] shape, int n) {
    switch (type) {
      case FLOAT: {
        FloatBuffer out = Tensor.allocate(n);
        for (int i = 0; i < n; i++) {
          out.put(i, p.getFloatData(i));
        }
        return Tensor.wrap(shape, out);
      }
      case DOUBLE: {
        FloatBuffer out = Tensor.allocate(n);
        for (int i = 0; i < n; i++) {
          out.put(i, (float) p.getDoubleData(i));
        }
        return Tensor.wrap(shape, out);
      }
      case FLOAT16: case BFLOAT16: {
        FloatBuffer out = Tensor.allocate(n);
        for (int i = 0; i < n; i++) {
          int bits = p.getInt32Data(i) & 0xffff;
          out.put(i, type == FLOAT16 ? halfToFloat((short) bits) : Float.intBitsToFloat(bits << 16));
        }
        return Tensor.wrap(shape, out);
      }
      case INT64: {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
          out[i] = p.getInt64Data(i);
        }
        return Tensor.ofLongs(shape, out);
      }
      case UINT32: case UINT64: {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
          out[i] = p.getUint64Data(i);
        }
        return Tensor.ofLongs(shape, out);
      }
      default: { // INT32, INT16, INT8, UINT16, UINT8, BOOL live in int32_data
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
          int v = p.getInt32Data(i);
          out[i] = type == BOOL ? (v != 0 ? 1 : 0) : type == UINT8 ? v & 0xff
              : type == UINT16 ? v & 0xffff : v;
        }
        return Tensor.ofLongs(shape, out);
      }
    }
  }

  /** IEEE 754 binary16 to float (exact; subnormals, infinities and NaN included). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal (or zero): mant * 2^-24
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}

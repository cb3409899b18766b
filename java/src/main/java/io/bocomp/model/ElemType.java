package io.bocomp.model;

/**
 * ONNX element types ({@code TensorProto.DataType} numbers) and how bocomp stores them: floating
 * types (float, double, float16, bfloat16) as float32 data, integer and bool types as int64 data.
 * A {@link Tensor} remembers its ONNX type so that an export writes it back as it was declared.
 *
 * <p>The sub-byte integers (int4/uint4 of ONNX 1.16, int2/uint2 of ONNX 1.20) are held like the
 * other integers, one int64 per element; only their files pack them ({@link #bits}: two or four
 * elements per byte). They occur as quantized weights (DequantizeLinear inputs); Cast to them is
 * not implemented.
 */
public final class ElemType {
  public static final int FLOAT = 1;
  public static final int UINT8 = 2;
  public static final int INT8 = 3;
  public static final int UINT16 = 4;
  public static final int INT16 = 5;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int STRING = 8;
  public static final int BOOL = 9;
  public static final int FLOAT16 = 10;
  public static final int DOUBLE = 11;
  public static final int UINT32 = 12;
  public static final int UINT64 = 13;
  public static final int BFLOAT16 = 16;
  public static final int UINT4 = 21;
  public static final int INT4 = 22;
  public static final int UINT2 = 25;
  public static final int INT2 = 26;

  private ElemType() {}

  /** True for the floating types bocomp computes in float32. */
  public static boolean isFloating(int t) {
    return t == FLOAT || t == DOUBLE || t == FLOAT16 || t == BFLOAT16;
  }

  /** True for the integer and bool types bocomp holds as int64. */
  public static boolean isInteger(int t) {
    switch (t) {
      case UINT8: case INT8: case UINT16: case INT16: case INT32: case INT64: case BOOL:
      case UINT32: case UINT64: case UINT4: case INT4: case UINT2: case INT2:
        return true;
      default:
        return false;
    }
  }

  /** True for the 4- and 2-bit integer types, packed several to a byte in files. */
  public static boolean isSubByte(int t) {
    return t == UINT4 || t == INT4 || t == UINT2 || t == INT2;
  }

  /** Bits of one element as a file stores it (1 byte for bool), 0 for unknown types. */
  public static int bits(int t) {
    switch (t) {
      case UINT2: case INT2: return 2;
      case UINT4: case INT4: return 4;
      case UINT8: case INT8: case BOOL: return 8;
      case UINT16: case INT16: case FLOAT16: case BFLOAT16: return 16;
      case FLOAT: case INT32: case UINT32: return 32;
      case INT64: case UINT64: case DOUBLE: return 64;
      default: return 0;
    }
  }

  /** Smallest value of an integer type of at most 32 bits (0 for unsigned and bool). */
  public static long min(int t) {
    switch (t) {
      case INT2: return -2;
      case INT4: return -8;
      case INT8: return Byte.MIN_VALUE;
      case INT16: return Short.MIN_VALUE;
      case INT32: return Integer.MIN_VALUE;
      default: return 0;
    }
  }

  /** Largest value of an integer type of at most 32 bits (1 for bool). */
  public static long max(int t) {
    switch (t) {
      case BOOL: return 1;
      case INT2: return 1;
      case UINT2: return 3;
      case INT4: return 7;
      case UINT4: return 15;
      case INT8: return Byte.MAX_VALUE;
      case UINT8: return 255;
      case INT16: return Short.MAX_VALUE;
      case UINT16: return 65535;
      case INT32: return Integer.MAX_VALUE;
      case UINT32: return 0xFFFFFFFFL;
      default: throw new IllegalArgumentException("no 32-bit range for " + name(t));
    }
  }

  /** True for the types bocomp can hold. */
  public static boolean isSupported(int t) {
    return isFloating(t) || isInteger(t);
  }

  /** The ONNX name, e.g. "float16", or "type N" for numbers bocomp does not know. */
  public static String name(int t) {
    switch (t) {
      case FLOAT: return "float";
      case UINT8: return "uint8";
      case INT8: return "int8";
      case UINT16: return "uint16";
      case INT16: return "int16";
      case INT32: return "int32";
      case INT64: return "int64";
      case STRING: return "string";
      case BOOL: return "bool";
      case FLOAT16: return "float16";
      case DOUBLE: return "double";
      case UINT32: return "uint32";
      case UINT64: return "uint64";
      case BFLOAT16: return "bfloat16";
      case UINT4: return "uint4";
      case INT4: return "int4";
      case UINT2: return "uint2";
      case INT2: return "int2";
      default: return "type " + t;
    }
  }
}

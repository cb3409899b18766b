package io.bocomp.model;

/**
 * ONNX element types ({@code TensorProto.DataType} numbers) and how bocomp stores them: floating
 * types (float, double, float16, bfloat16) as float32 data, integer and bool types as int64 data.
 * A {@link Tensor} remembers its ONNX type so that an export writes it back as it was declared.
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

  private ElemType() {}

  /** True for the floating types bocomp computes in float32. */
  public static boolean isFloating(int t) {
    return t == FLOAT || t == DOUBLE || t == FLOAT16 || t == BFLOAT16;
  }

  /** True for the integer and bool types bocomp holds as int64. */
  public static boolean isInteger(int t) {
    switch (t) {
      case UINT8: case INT8: case UINT16: case INT16: case INT32: case INT64: case BOOL:
      case UINT32: case UINT64:
        return true;
      default:
        return false;
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
      default: return "type " + t;
    }
  }
}

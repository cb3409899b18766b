package io.bocomp.model.op;

import io.bocomp.model.Attribute;
import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;

/**
 * The element type a Cast converts to (its {@code to} attribute), or that a CastLike or EyeLike
 * is asked for, checked against the types bocomp holds ({@link ElemType#isSupported}): float,
 * double, float16, bfloat16, the signed and unsigned 8/16/32/64-bit integers and bool. String,
 * complex, float8 and 4/2-bit types (bocomp holds the latter as quantized weights only) are valid
 * ONNX that Cast does not implement here.
 */
public final class CastTarget {
  private CastTarget() {}

  /**
   * The {@code to} attribute of a Cast node.
   *
   * @throws ModelFormatException naming the node when {@code to} is missing or not an integer
   * @throws UnsupportedOperatorException naming the node for a type bocomp does not hold
   */
  public static int of(Node node) {
    Attribute a = node.attribute("to");
    if (a == null || a.kind() != Attribute.Kind.INT) {
      throw new ModelFormatException(node.label() + ": Cast needs an integer attribute 'to'");
    }
    return check(node, a.asInt());
  }

  /**
   * The type itself, once checked to be one bocomp holds.
   *
   * @throws UnsupportedOperatorException naming the node for a type bocomp does not hold
   */
  public static int check(Node node, long type) {
    if (type < 0 || type > Integer.MAX_VALUE || !ElemType.isSupported((int) type)
        || ElemType.isSubByte((int) type)) {
      throw new UnsupportedOperatorException(node.label() + ": " + node.opType() + " to "
          + name(type) + " is not supported (bocomp holds float, double, float16, bfloat16, (u)int8/16/32/64"
          + " and bool)");
    }
    return (int) type;
  }

  /** ONNX names of the types bocomp does not hold, too (for messages). */
  private static String name(long type) {
    switch ((int) Math.max(-1, Math.min(type, 99))) {
      case 14: return "complex64";
      case 15: return "complex128";
      case 17: return "float8e4m3fn";
      case 18: return "float8e4m3fnuz";
      case 19: return "float8e5m2";
      case 20: return "float8e5m2fnuz";
      case 21: return "uint4";
      case 22: return "int4";
      case 23: return "float4e2m1";
      case 25: return "uint2";
      case 26: return "int2";
      default: return type >= 0 && type <= 16 ? ElemType.name((int) type) : "type " + type;
    }
  }
}

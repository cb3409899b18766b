package io.bocomp.model.op;

import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;

/**
 * Schemas of the linear quantization ops: QuantizeLinear ({@code y = saturate(round(x / scale) +
 * zero_point)}, rounding half to even) and DequantizeLinear ({@code y = (x - zero_point) *
 * scale}), per tensor, per axis or blocked ({@link QuantLayout}). The output shape is the input's.
 *
 * <p>Types: QuantizeLinear's output has the zero point's type, else {@code output_dtype} (opset
 * 21), else uint8; DequantizeLinear's has {@code output_dtype} (opset 23) when set, else the
 * scale's. The quantized types bocomp implements are the 2-, 4-, 8-, 16- and 32-bit integers
 * (int2/uint2 need opset 25 in ONNX Runtime, int4/uint4 opset 21); float8 and float4 are refused,
 * naming the node. The opset 10 form (per-tensor only, no axis) needs no rewrite: its scalar scale
 * means the same under every later version.
 */
final class QuantizeOps {
  private QuantizeOps() {}

  static void register(OpTable.Registry r) {
    r.add(OpSchema.builder("QuantizeLinear").inputs(2, 3)
        .shape(QuantizeOps::shape)
        .types(QuantizeOps::quantizedType)
        .summary("saturate(round(x / scale) + zero_point), ties to even; per tensor, per axis or"
            + " blocked (block_size); to (u)int2/4/8/16/32, not float8").build());
    r.add(OpSchema.builder("DequantizeLinear").inputs(2, 3)
        .shape(QuantizeOps::shape)
        .types(QuantizeOps::dequantizedType)
        .summary("(x - zero_point) * scale; per tensor, per axis or blocked (block_size); from"
            + " (u)int2/4/8/16/32, not float8").build());
  }

  private static int[] shape(Node n, OpInputs in) {
    QuantLayout.checkAttributes(n);
    int[] x = in.shape(0);
    int[] s = in.shape(1);
    if (x != null && s != null && known(x) && known(s)) {
      QuantLayout.of(n, x, s);
      int[] z = in.shape(2);
      if (z != null && known(z) && !java.util.Arrays.equals(z, s)) {
        throw new ModelFormatException(n.label() + ": the zero point's shape "
            + java.util.Arrays.toString(z) + " differs from the scale's "
            + java.util.Arrays.toString(s));
      }
    }
    return x;
  }

  /** QuantizeLinear's output type: the zero point's, else output_dtype, else uint8. */
  static int quantizedType(Node n, int[] t, int o) {
    int type = t.length > 2 && t[2] != 0 ? t[2]
        : n.intAttr("output_dtype", 0) != 0 ? (int) n.intAttr("output_dtype", 0) : ElemType.UINT8;
    return checkQuantized(n, type);
  }

  /** DequantizeLinear's output type: output_dtype, else the scale's (float by default). */
  static int dequantizedType(Node n, int[] t, int o) {
    if (t.length > 0 && t[0] != 0) {
      checkQuantized(n, t[0]);
    }
    int type = n.intAttr("output_dtype", 0) != 0 ? (int) n.intAttr("output_dtype", 0)
        : t.length > 1 && t[1] != 0 ? t[1] : ElemType.FLOAT;
    if (!ElemType.isFloating(type)) {
      throw new UnsupportedOperatorException(n.label() + ": DequantizeLinear to "
          + ElemType.name(type) + " is not supported (float, double, float16, bfloat16)");
    }
    return type;
  }

  /**
   * The quantized type, once checked to be an integer type of at most 32 bits.
   *
   * @throws UnsupportedOperatorException naming the node for float8, float4 and wider types
   */
  static int checkQuantized(Node n, int type) {
    boolean ok = ElemType.isInteger(type) && type != ElemType.BOOL && type != ElemType.INT64
        && type != ElemType.UINT64;
    if (!ok) {
      throw new UnsupportedOperatorException(n.label() + ": " + n.opType() + " with "
          + (ElemType.isSupported(type) ? ElemType.name(type) : "element type " + type)
          + " is not supported (bocomp quantizes to (u)int2, (u)int4, (u)int8, (u)int16 and"
          + " (u)int32)");
    }
    return type;
  }

  private static boolean known(int[] s) {
    for (int d : s) {
      if (d < 0) {
        return false;
      }
    }
    return true;
  }
}

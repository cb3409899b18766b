package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * QuantizeLinear and DequantizeLinear against ONNX Runtime: per tensor, per axis (positive and
 * negative axes), blocked with a ragged last block (opset 21), every integer type bocomp quantizes
 * to (int8/uint8, int4/uint4 at opset 21, int2/uint2 at opset 25, int16, int32), with and without
 * zero points, saturation and ties, scales computed at run time, and the weight-only and
 * activation QDQ patterns around Conv and MatMul. Dequantized values are compared bit for bit,
 * quantized values exactly, layer outputs within {@code 1e-4 * max|ORT output|}; bad scale shapes
 * and unsupported types fail naming the node.
 */
class QuantizeOpConformanceTest extends GraphCaseConformance {
  static Stream<GraphCase> cases() {
    return Stream.of(dequantize(), quantize(), patterns()).flatMap(s -> s);
  }

  static Stream<GraphCase> dequantize() {
    return Stream.of(
        dq("dq int8 per tensor, zero point", 13, ints(1, ElemType.INT8, 3, 5),
            Tensor.scalar(0.037f),
            Tensor.ofLongs(new int[0], new long[] {-3}).withElemType(ElemType.INT8)),
        dq("dq uint8 per axis 1, zero points", 13,
            ints(2, ElemType.UINT8, 2, 4, 3), scales(3, 4), ints(4, ElemType.UINT8, 4)),
        dq("dq int8 per axis -1", 13,
            ints(5, ElemType.INT8, 4, 6), scales(6, 6), null, "axis", -1L),
        dq("dq int8 per output channel of a conv weight", 13,
            ints(7, ElemType.INT8, 8, 3, 3, 3), scales(8, 8), null, "axis", 0L),
        dq("dq int8 blocked along axis 0, ragged last block", 21,
            ints(9, ElemType.INT8, 70, 5), scales(10, 3, 5), null, "axis", 0L, "block_size", 32L),
        dq("dq int4 per axis 0", 21,
            ints(11, ElemType.INT4, 6, 9), scales(12, 6), null, "axis", 0L),
        dq("dq uint4 blocked along axis 1, zero points", 21,
            ints(13, ElemType.UINT4, 4, 40),
            scales(14, 4, 3), ints(15, ElemType.UINT4, 4, 3), "axis", 1L, "block_size", 16L),
        dq("dq int4 odd element count, per tensor", 21,
            ints(16, ElemType.INT4, 3, 7), Tensor.scalar(0.5f), null),
        dq("dq int2 per axis 0", 25,
            ints(17, ElemType.INT2, 5, 7), scales(18, 5), null, "axis", 0L),
        dq("dq uint2 blocked along axis 0, zero points", 25,
            ints(19, ElemType.UINT2, 40, 3),
            scales(20, 2, 3), ints(21, ElemType.UINT2, 2, 3), "axis", 0L, "block_size", 32L),
        dq("dq int16 per tensor", 21, ints(22, ElemType.INT16, 4, 4), Tensor.scalar(0.001f), null),
        dq("dq int32 per tensor (a bias)", 13,
            Tensor.ofLongs(new int[] {5}, new long[] {-70000, -1, 0, 1, 16777216})
                .withElemType(ElemType.INT32), Tensor.scalar(1e-4f), null),
        GraphCase.of("dq with a scale computed at run time", 13)
            .input("t", Parity.random(23, 0.5f, 2f, 4))
            .init("q", ints(24, ElemType.INT8, 4, 3)).node("Abs", "t", "s")
            .node("DequantizeLinear", "q,s", "y", "axis", 0L).output("y", ElemType.FLOAT)
            .exact());
  }

  /**
   * One DequantizeLinear of the constants q and s (and zero points z unless null), its output
   * compared bit for bit; attributes as key, value pairs.
   */
  private static GraphCase dq(String label, long opset, Tensor q, Tensor s, Tensor z,
      Object... attrs) {
    GraphCase c = GraphCase.of(label, opset).init("q", q).init("s", s);
    if (z != null) {
      c.init("z", z);
    }
    return c.node("DequantizeLinear", z == null ? "q,s" : "q,s,z", "y", attrs)
        .output("y", ElemType.FLOAT).exact();
  }

  static Stream<GraphCase> quantize() {
    // x / 0.5 lands on ties (k + 0.5) and beyond both ends of the int8 range
    Tensor ties = Tensor.of(new int[] {2, 6}, new float[] {-0.75f, -0.25f, 0.25f, 0.75f, 1.25f,
        64.1f, -70f, 63.75f, -63.75f, 0f, -0f, 2.5f});
    return Stream.of(
        GraphCase.of("q to uint8 by default, saturating", 13)
            .input("x", Parity.random(30, -2f, 4f, 3, 7)).init("s", Tensor.scalar(0.01f))
            .node("QuantizeLinear", "x,s", "y").output("y", ElemType.UINT8),
        GraphCase.of("q int8 per tensor: ties to even, saturation", 13)
            .input("x", ties).init("s", Tensor.scalar(0.5f))
            .init("z", Tensor.ofLongs(new int[0], new long[] {1}).withElemType(ElemType.INT8))
            .node("QuantizeLinear", "x,s,z", "y").output("y", ElemType.INT8),
        GraphCase.of("q uint8 per axis 1, zero points", 13)
            .input("x", Parity.random(31, -1f, 1f, 2, 4, 5)).init("s", scales(32, 4))
            .init("z", ints(33, ElemType.UINT8, 4))
            .node("QuantizeLinear", "x,s,z", "y").output("y", ElemType.UINT8),
        GraphCase.of("q int8 blocked along axis 1, zero points", 21)
            .input("x", Parity.random(34, -1f, 1f, 6, 40)).init("s", scales(35, 6, 2))
            .init("z", ints(36, ElemType.INT8, 6, 2))
            .node("QuantizeLinear", "x,s,z", "y", "axis", 1L, "block_size", 32L)
            .output("y", ElemType.INT8),
        GraphCase.of("q to int4 then dq, per axis", 21)
            .input("x", Parity.random(37, -1f, 1f, 5, 6)).init("s", scales(38, 5))
            .init("z", Tensor.ofLongs(new int[] {5}, new long[] {0, 0, 0, 0, 0})
                .withElemType(ElemType.INT4))
            .node("QuantizeLinear", "x,s,z", "q", "axis", 0L)
            .node("DequantizeLinear", "q,s,z", "y", "axis", 0L).output("y", ElemType.FLOAT)
            .exact(),
        GraphCase.of("q to uint2 then dq, per tensor", 25)
            .input("x", Parity.random(39, -1f, 1f, 3, 5)).init("s", Tensor.scalar(0.3f))
            .init("z", Tensor.ofLongs(new int[0], new long[] {2}).withElemType(ElemType.UINT2))
            .node("QuantizeLinear", "x,s,z", "q").node("DequantizeLinear", "q,s,z", "y")
            .output("y", ElemType.FLOAT).exact());
  }

  static Stream<GraphCase> patterns() {
    return Stream.of(
        GraphCase.of("conv on a per-channel int8 weight, activation QDQ", 13)
            .input("x", 2, 3, 9, 9)
            .init("sx", Tensor.scalar(0.01f))
            .init("zx", Tensor.ofLongs(new int[0], new long[] {128}).withElemType(ElemType.UINT8))
            .init("wq", ints(40, ElemType.INT8, 4, 3, 3, 3)).init("ws", scales(41, 4))
            .init("b", Parity.random(42, 4))
            .node("QuantizeLinear", "x,sx,zx", "xq").node("DequantizeLinear", "xq,sx,zx", "xd")
            .node("DequantizeLinear", "wq,ws", "w", "axis", 0L)
            .node("Conv", "xd,w,b", "y", "pads", new long[] {1, 1, 1, 1})
            .output("y", ElemType.FLOAT),
        GraphCase.of("matmul on a blocked int4 weight", 21)
            .input("x", 3, 70)
            .init("wq", ints(43, ElemType.INT4, 70, 6)).init("ws", scales(44, 3, 6))
            .node("DequantizeLinear", "wq,ws", "w", "axis", 0L, "block_size", 32L)
            .node("MatMul", "x,w", "y").output("y", ElemType.FLOAT),
        GraphCase.of("gemm transB on a per-row int2 weight", 25)
            .input("x", 2, 12)
            .init("wq", ints(45, ElemType.INT2, 5, 12)).init("ws", scales(46, 5))
            .node("DequantizeLinear", "wq,ws", "w", "axis", 0L)
            .node("Gemm", "x,w", "y", "transB", 1L).output("y", ElemType.FLOAT));
  }

  @Test
  void badScaleShapesAndTypesNameTheNode() {
    GraphCase wrongAxis = GraphCase.of("scale of the wrong length", 13)
        .init("q", ints(50, ElemType.INT8, 4, 6)).init("s", scales(51, 4))
        .node("DequantizeLinear", "q,s", "y", "axis", 1L).output("y", ElemType.FLOAT);
    assertThatThrownBy(() -> cpu.get().compile(wrongAxis.graph(), 13).close())
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("node_y")
        .hasMessageContaining("must have shape [6]");
    GraphCase wrongBlocks = GraphCase.of("blocked scale of the wrong shape", 21)
        .init("q", ints(52, ElemType.INT8, 70, 5)).init("s", scales(53, 2, 5))
        .node("DequantizeLinear", "q,s", "y", "axis", 0L, "block_size", 32L)
        .output("y", ElemType.FLOAT);
    assertThatThrownBy(() -> cpu.get().compile(wrongBlocks.graph(), 21).close())
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("node_y")
        .hasMessageContaining("[3, 5]");
    GraphCase float8 = GraphCase.of("to float8", 21).input("x", 2, 3)
        .init("s", Tensor.scalar(0.1f))
        .node("QuantizeLinear", "x,s", "y", "output_dtype", 17L).output("y", ElemType.UINT8);
    assertThatThrownBy(() -> run(float8, 21))
        .isInstanceOf(UnsupportedOperatorException.class).hasMessageContaining("node_y")
        .hasMessageContaining("type 17");
    GraphCase fromFloat = GraphCase.of("dequantize a float", 13).input("x", 2, 3)
        .init("s", Tensor.scalar(0.1f))
        .node("DequantizeLinear", "x,s", "y").output("y", ElemType.FLOAT);
    assertThatThrownBy(() -> run(fromFloat, 13))
        .isInstanceOf(UnsupportedOperatorException.class).hasMessageContaining("node_y")
        .hasMessageContaining("float");
  }

  /** Compiles and runs a case (errors of run-time nodes surface when the call is planned). */
  private static void run(GraphCase c, long opset) {
    try (Executable e = cpu.get().compile(c.graph(), opset)) {
      e.run(c.feeds, c.outputs);
    }
  }

  /** Uniform random values over the whole range of an integer type. */
  static Tensor ints(long seed, int type, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    long lo = ElemType.min(type);
    long hi = ElemType.max(type);
    long[] v = new long[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + r.nextLong(hi - lo + 1);
    }
    return Tensor.ofLongs(shape, v).withElemType(type);
  }

  /** Positive scales in [0.001, 0.1). */
  static Tensor scales(long seed, int... shape) {
    return Parity.random(seed, 0.001f, 0.1f, shape);
  }
}

package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.model.ElemType;
import io.bocomp.model.Graph;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Cast, CastLike, the comparisons, the logic ops, Where, IsNaN/IsInf, ConstantOfShape, Range,
 * EyeLike, Mod and Size against ONNX Runtime, one-node and multi-node graphs (shape arithmetic
 * evaluated at plan time); N-D MatMul and Einsum are in {@link MatMulEinsumConformanceTest}. Outputs of every element type
 * are read back from ONNX Runtime as they are (int8 ... uint64, bool, float16, bfloat16, double),
 * so integer and bool results are compared exactly, Cast results bit for bit, and float results
 * within {@code 1e-4 * max|ORT output|}.
 */
class LogicOpConformanceTest extends GraphCaseConformance {
  static Stream<GraphCase> cases() {
    return Stream.of(casts(), comparisons(), logic(), wheres(), generators(), mods(), sizes())
        .flatMap(s -> s);
  }

  /** Size is a function of its input's shape: evaluated at plan time, so it can shape. */
  static Stream<GraphCase> sizes() {
    Tensor twelve = Tensor.ofLongs(new int[] {1}, new long[] {12});
    Tensor zero = Tensor.ofLongs(new int[] {1}, new long[] {0});
    Stream.Builder<GraphCase> b = Stream.builder();
    for (int n : new int[] {1, 3}) {
      b.add(GraphCase.of("reshape target from Size, batch " + n, 13).input("x", n, 3, 4)
          .init("twelve", twelve).init("zero", zero)
          .node("Size", "x", "s")
          .node("Unsqueeze", "s,zero", "s1")
          .node("Div", "s1,twelve", "rows")
          .node("Concat", "rows,twelve", "target", "axis", 0L)
          .node("Reshape", "x,target", "y").output("y", ElemType.FLOAT));
    }
    return b.build();
  }

  static Stream<GraphCase> mods() {
    Tensor a = Tensor.of(new int[] {2, 4}, new float[] {-7.5f, 7.5f, -3f, 3f, 5.25f, -0.5f, 9f, 0f});
    Tensor b = Tensor.of(new int[] {4}, new float[] {2f, -2f, 2.5f, -1.5f});
    Tensor k = Tensor.ofLongs(new int[] {4}, new long[] {3, -3, 4, -5});
    return Stream.of(
        GraphCase.of("mod fmod=1 float broadcast", 13).input("a", a).input("b", b)
            .node("Mod", "a,b", "y", "fmod", 1L).output("y", ElemType.FLOAT),
        GraphCase.of("mod int64 fmod=0 at run time", 13).input("a", a).init("k", k)
            .node("Cast", "a", "i", "to", (long) ElemType.INT64)
            .node("Mod", "i,k", "y").output("y", ElemType.INT64),
        GraphCase.of("mod int64 fmod=1 at run time", 13).input("a", a).init("k", k)
            .node("Cast", "a", "i", "to", (long) ElemType.INT64)
            .node("Mod", "i,k", "y", "fmod", 1L).output("y", ElemType.INT64));
  }

  // ------------------------------------------------------------------------------ Cast

  static Stream<GraphCase> casts() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    float[] int32 = {-3.7f, -2.5f, -1.5f, -0.5f, -0f, 0f, 0.4f, 0.5f, 1.5f, 2.5f, 3.49f, 127.9f,
        -128.9f, 200.7f, 65519.99f, 16777217f, 123456789f, -2147483648f, 2147483520f};
    float[] int64 = concat(int32, 3e9f, -3e9f, 1e10f, -1e15f, 9.2e18f);
    float[] half = {0f, -0f, 0.1f, 1f / 3, -2.5f, 1.00048828125f, 1.00146484375f, 2049f, 2051f,
        4097.5f, 65504f, 65519.99f, 65520f, 1e5f, -1e5f, 1e-5f, -6e-8f, 0x1p-25f, 4.5e-8f,
        0x1.8p-24f, 0x1.4p-20f, nan, inf, -inf};
    float[] bf16 = {0f, 1.00390625f, 1.01171875f, 3.14159f, -0.1f, 1e38f, 3.3961e38f, -3.4e38f,
        1e-40f, 255.5f, nan, -inf};
    return Stream.of(
        cast("float to int32 (truncation toward zero, large values)", 13, vals(int32),
            ElemType.INT32),
        cast("float to int64 (beyond 2^31)", 13, vals(int64), ElemType.INT64),
        cast("float to int8", 13, vals(-128.9f, -3.7f, -0.5f, 0f, 0.5f, 2.5f, 127.9f),
            ElemType.INT8),
        cast("float to uint8", 13, vals(-0.7f, 0f, 0.4f, 0.5f, 1.5f, 3.7f, 200.7f, 255.9f),
            ElemType.UINT8),
        cast("float to int16", 13, vals(-32768.9f, -3.7f, 0.5f, 300.2f, 32767.9f),
            ElemType.INT16),
        cast("float to uint16", 13, vals(-0.9f, 0f, 2.5f, 40000.5f, 65535.9f), ElemType.UINT16),
        cast("float to uint32", 13, vals(-0.9f, 0f, 7.5f, 3e9f, 4294967040f), ElemType.UINT32),
        cast("float to uint64", 13, vals(0f, 0.5f, 3e9f, 1e18f), ElemType.UINT64),
        cast("float to bool (NaN and infinities are true)", 13,
            vals(-2f, -0f, 0f, 1e-30f, 0.5f, nan, inf, -inf), ElemType.BOOL),
        cast("float to float16 (ties to even, subnormals, overflow)", 13, vals(half),
            ElemType.FLOAT16),
        cast("float to bfloat16 (ties to even)", 13, vals(bf16), ElemType.BFLOAT16),
        cast("float to double", 13, Parity.random(3, -1e6f, 1e6f, 3, 7), ElemType.DOUBLE),
        cast("float to float", 13, Parity.random(4, 2, 33), ElemType.FLOAT),
        cast("float to int64 at opset 7", 7, vals(-2.5f, 0.5f, 7.9f, 3e9f), ElemType.INT64),
        cast("float to int32 at opset 9", 9, vals(-2.5f, 0.5f, 7.9f), ElemType.INT32),
        cast("float to float16 at opset 19 with saturate", 19, vals(half), ElemType.FLOAT16)
            .attr("saturate", 1L),
        chain("float to int64 to float", vals(int64), ElemType.INT64, ElemType.FLOAT),
        chain("float to float16 to float", vals(half), ElemType.FLOAT16, ElemType.FLOAT),
        chain("float to bfloat16 to float", vals(bf16), ElemType.BFLOAT16, ElemType.FLOAT),
        chain("float to int32 to float16 (integer rounding)", vals(2049.7f, -4097.2f, 3.9f),
            ElemType.INT32, ElemType.FLOAT16),
        chain("float to bool to float", vals(-2f, 0f, 0.25f, nan), ElemType.BOOL,
            ElemType.FLOAT),
        chain("float to uint8 to int32", vals(0f, 7.9f, 255.9f), ElemType.UINT8,
            ElemType.INT32),
        chain("float to int8 to int64", vals(-128.5f, 5.5f, 127.5f), ElemType.INT8,
            ElemType.INT64),
        chain("float to int64 to bool", vals(-0.5f, 0.5f, 1.5f, -3f), ElemType.INT64,
            ElemType.BOOL),
        castLike("castlike int32", Tensor.ofLongs(new int[] {1}, new long[] {0})
            .withElemType(ElemType.INT32), vals(int32), ElemType.INT32),
        castLike("castlike float16", Tensor.of(new int[] {2}, new float[] {1f, 2f})
            .withElemType(ElemType.FLOAT16), vals(half), ElemType.FLOAT16),
        castLike("castlike bool", Tensor.ofLongs(new int[0], new long[] {1})
            .withElemType(ElemType.BOOL), vals(-1f, 0f, 3f), ElemType.BOOL));
  }

  private static GraphCase cast(String label, long opset, Tensor x, int to) {
    return GraphCase.of(label, opset).input("x", x).node("Cast", "x", "y", "to", (long) to)
        .output("y", to).exact();
  }

  private static GraphCase chain(String label, Tensor x, int first, int second) {
    return GraphCase.of(label, 13).input("x", x).node("Cast", "x", "t", "to", (long) first)
        .node("Cast", "t", "y", "to", (long) second).output("y", second).exact();
  }

  private static GraphCase castLike(String label, Tensor like, Tensor x, int type) {
    return GraphCase.of(label, 15).input("x", x).init("like", like)
        .node("CastLike", "x,like", "y")
        .output("y", type).exact();
  }

  // ------------------------------------------------------------------------------ comparisons

  static Stream<GraphCase> comparisons() {
    return Stream.of(
        compare("equal broadcast [2,3,4] vs [3,1]", 13, "Equal", steps(1, 2, 3, 4),
            steps(2, 3, 1)),
        compare("equal opset 11", 11, "Equal", steps(3, 4, 5), steps(4, 5)),
        compare("greater [1,5] vs [4,1]", 13, "Greater", steps(5, 1, 5), steps(6, 4, 1)),
        compare("greater opset 9", 9, "Greater", steps(5, 3, 5), steps(6, 5)),
        compare("less vector vs scalar", 13, "Less", steps(7, 7),
            Tensor.of(new int[0], new float[] {0f})),
        compare("less opset 7", 7, "Less", steps(7, 2, 7), steps(8, 7)),
        compare("greater or equal [2,1,33] vs [1,4,1]", 12, "GreaterOrEqual", steps(9, 2, 1, 33),
            steps(10, 1, 4, 1)),
        compare("less or equal same shape", 16, "LessOrEqual", steps(11, 3, 4), steps(12, 3, 4)),
        compare("equal with NaN and infinities", 13, "Equal",
            vals(Float.NaN, 1f, Float.POSITIVE_INFINITY, -0f),
            vals(Float.NaN, 1f, Float.POSITIVE_INFINITY, 0f)),
        compare("greater with NaN and infinities", 13, "Greater",
            vals(Float.NaN, 2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY),
            vals(0f, Float.NaN, 1e38f, -1e38f)),
        compare("less long rows (several strips)", 13, "Less", steps(13, 2, 9000),
            steps(14, 9000)));
  }

  private static GraphCase compare(String label, long opset, String op, Tensor a, Tensor b) {
    return GraphCase.of(label, opset).input("a", a).input("b", b).node(op, "a,b", "y")
        .output("y", ElemType.BOOL);
  }

  // ------------------------------------------------------------------------------ logic

  static Stream<GraphCase> logic() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    Tensor special = vals(nan, -inf, inf, 0f, -1f, 3e38f, -nan);
    return Stream.of(
        logic2("and broadcast", "And", new int[] {2, 3, 4}, new int[] {3, 1}),
        logic2("or broadcast", "Or", new int[] {1, 5}, new int[] {4, 1}),
        logic2("xor broadcast", "Xor", new int[] {2, 1, 6}, new int[] {3, 6}),
        GraphCase.of("not of a comparison", 13).input("a", 3, 5).init("z", scalar(0f))
            .node("Greater", "a,z", "g").node("Not", "g", "y").output("y", ElemType.BOOL),
        GraphCase.of("not as a float mask", 13).input("a", 3, 5).init("z", scalar(0f))
            .node("Greater", "a,z", "g").node("Not", "g", "n")
            .node("Cast", "n", "m", "to", (long) ElemType.FLOAT).node("Mul", "a,m", "y")
            .output("y", ElemType.FLOAT),
        GraphCase.of("isnan", 13).input("x", special).node("IsNaN", "x", "y")
            .output("y", ElemType.BOOL),
        GraphCase.of("isinf default", 13).input("x", special).node("IsInf", "x", "y")
            .output("y", ElemType.BOOL),
        GraphCase.of("isinf negative only", 10).input("x", special)
            .node("IsInf", "x", "y", "detect_positive", 0L).output("y", ElemType.BOOL),
        GraphCase.of("isinf positive only", 20).input("x", special)
            .node("IsInf", "x", "y", "detect_negative", 0L).output("y", ElemType.BOOL),
        GraphCase.of("isnan of 0/0", 13).input("a", vals(0f, 1f, -2f, 0f))
            .input("b", vals(0f, 0f, 0f, 2f)).node("Div", "a,b", "q").node("IsNaN", "q", "y")
            .output("y", ElemType.BOOL));
  }

  /** op(a > 0, b < 0.3) over broadcast shapes. */
  private static GraphCase logic2(String label, String op, int[] a, int[] b) {
    return GraphCase.of(label, 13).input("a", a).input("b", b).init("z", scalar(0f))
        .init("t", scalar(0.3f)).node("Greater", "a,z", "p").node("Less", "b,t", "q")
        .node(op, "p,q", "y").output("y", ElemType.BOOL);
  }

  // ------------------------------------------------------------------------------ Where

  static Stream<GraphCase> wheres() {
    return Stream.of(
        GraphCase.of("where three-way broadcast", 13).input("c", 2, 1, 4).input("x", 3, 1)
            .input("y", 2, 3, 4).init("z", scalar(0f)).node("Greater", "c,z", "cond")
            .node("Where", "cond,x,y", "out").output("out", ElemType.FLOAT),
        GraphCase.of("where attention mask with a scalar", 13).input("m", 1, 1, 7, 7)
            .input("s", 2, 4, 7, 7).init("z", scalar(0f)).init("neg", scalar(-1e9f))
            .node("Greater", "m,z", "keep").node("Where", "keep,s,neg", "out")
            .output("out", ElemType.FLOAT),
        GraphCase.of("where long rows", 13).input("c", 5000).input("x", 3, 5000).input("y", 3, 1)
            .init("z", scalar(0.1f)).node("Less", "c,z", "cond").node("Where", "cond,x,y", "out")
            .output("out", ElemType.FLOAT),
        GraphCase.of("where opset 9 same shapes", 9).input("c", 4, 6).input("x", 4, 6)
            .input("y", 4, 6).init("z", scalar(0f)).node("Greater", "c,z", "cond")
            .node("Where", "cond,x,y", "out").output("out", ElemType.FLOAT),
        GraphCase.of("where of int64 values at run time", 13).input("c", 2, 3).init("z", scalar(0f))
            .init("a", longs(new int[] {3}, 10, -20, 30))
            .init("b", longs(new int[] {2, 1}, 7, -7)).node("Greater", "c,z", "cond")
            .node("Where", "cond,a,b", "out").output("out", ElemType.INT64),
        GraphCase.of("where on a shape (plan time, Expand/Reshape idiom)", 13).input("x", 2, 3, 4)
            .init("s", longs(new int[] {3}, 2, -1, 4)).init("m1", longs(new int[0], -1))
            .node("Shape", "x", "shape").node("Equal", "s,m1", "unknown")
            .node("Where", "unknown,shape,s", "target").node("Reshape", "x,target", "y")
            .output("target", ElemType.INT64).output("unknown", ElemType.BOOL)
            .output("y", ElemType.FLOAT));
  }

  // ------------------------------------------------------------------------------ generators

  static Stream<GraphCase> generators() {
    return Stream.of(
        GraphCase.of("constant of shape from Shape(x), float value", 13).input("x", 2, 3, 4)
            .node("Shape", "x", "s")
            .node("ConstantOfShape", "s", "c", "value", scalar(2.5f).reshape(1))
            .node("Mul", "x,c", "y").output("y", ElemType.FLOAT).output("c", ElemType.FLOAT),
        GraphCase.of("constant of shape default value", 13).input("x", 3, 5)
            .node("Shape", "x", "s").node("ConstantOfShape", "s", "c").node("Add", "x,c", "y")
            .output("y", ElemType.FLOAT),
        GraphCase.of("constant of shape int64 value, cast and added", 13).input("x", 2, 3)
            .init("s", longs(new int[] {2}, 2, 3))
            .node("ConstantOfShape", "s", "c", "value", longs(new int[] {1}, 7))
            .node("Cast", "c", "f", "to", (long) ElemType.FLOAT).node("Add", "x,f", "y")
            .output("c", ElemType.INT64).output("y", ElemType.FLOAT),
        GraphCase.of("constant of shape int32 value", 13).input("x", 2)
            .node("Shape", "x", "s").node("ConstantOfShape", "s", "y", "value",
                longs(new int[] {1}, -3).withElemType(ElemType.INT32))
            .output("y", ElemType.INT32),
        GraphCase.of("constant of shape bool mask into Where", 13).input("x", 2, 3).input("y", 2, 3)
            .node("Shape", "x", "s")
            .node("ConstantOfShape", "s", "c", "value",
                longs(new int[] {1}, 1).withElemType(ElemType.BOOL))
            .node("Where", "c,x,y", "out").output("out", ElemType.FLOAT),
        GraphCase.of("constant of shape of an empty shape (a scalar)", 13).input("x", 3, 2)
            .init("s", longs(new int[] {0}))
            .node("ConstantOfShape", "s", "c", "value", scalar(-1.5f).reshape(1))
            .node("Add", "x,c", "y").output("y", ElemType.FLOAT).output("c", ElemType.FLOAT),
        GraphCase.of("range float", 13).input("x", 2, 11).init("a", scalar(0.5f))
            .init("b", scalar(3.7f)).init("d", scalar(0.3f)).node("Range", "a,b,d", "r")
            .node("Add", "x,r", "y").output("r", ElemType.FLOAT).output("y", ElemType.FLOAT),
        GraphCase.of("range float negative delta", 13).init("a", scalar(1f))
            .init("b", scalar(-2.2f))
            .init("d", scalar(-0.7f)).input("x", 5).node("Range", "a,b,d", "r")
            .node("Mul", "x,r", "y").output("r", ElemType.FLOAT).output("y", ElemType.FLOAT),
        GraphCase.of("range over Gather(Shape(x), 1), cast to float", 13).input("x", 2, 6)
            .init("zero", longs(new int[0], 0)).init("one", longs(new int[0], 1))
            .node("Shape", "x", "s").node("Gather", "s,one", "n", "axis", 0L)
            .node("Range", "zero,n,one", "r").node("Cast", "r", "f", "to", (long) ElemType.FLOAT)
            .node("Add", "x,f", "y").output("r", ElemType.INT64).output("y", ElemType.FLOAT),
        GraphCase.of("range int64 negative delta", 13).input("x", 1)
            .init("a", longs(new int[0], 10)).init("b", longs(new int[0], 4))
            .init("d", longs(new int[0], -2)).node("Range", "a,b,d", "r")
            .output("r", ElemType.INT64),
        GraphCase.of("range int32", 13).input("x", 1)
            .init("a", longs(new int[0], -3).withElemType(ElemType.INT32))
            .init("b", longs(new int[0], 8).withElemType(ElemType.INT32))
            .init("d", longs(new int[0], 3).withElemType(ElemType.INT32))
            .node("Range", "a,b,d", "r").output("r", ElemType.INT32),
        GraphCase.of("range empty", 13).input("x", 1).init("a", longs(new int[0], 5))
            .init("d", longs(new int[0], 1)).node("Range", "a,a,d", "r")
            .output("r", ElemType.INT64),
        GraphCase.of("eye like k 1 added", 13).input("x", 4, 6).node("EyeLike", "x", "e", "k", 1L)
            .node("Add", "x,e", "y").output("y", ElemType.FLOAT),
        GraphCase.of("eye like k -2 dtype int64", 13).input("x", 5, 3)
            .node("EyeLike", "x", "e", "k", -2L, "dtype", (long) ElemType.INT64)
            .output("e", ElemType.INT64),
        GraphCase.of("eye like k beyond the columns", 13).input("x", 3, 4)
            .node("EyeLike", "x", "e", "k", 7L).output("e", ElemType.FLOAT));
  }

  // ------------------------------------------------------------------------------ plan time

  @Test
  void shapeArithmeticRunsOnceWhenTheGraphIsPlanned() {
    GraphCase c = GraphCase.of("range", 13).input("x", 2, 6).init("zero", longs(new int[0], 0))
        .init("one", longs(new int[0], 1)).node("Shape", "x", "s")
        .node("Gather", "s,one", "n", "axis", 0L).node("Range", "zero,n,one", "r")
        .node("Cast", "r", "f", "to", (long) ElemType.FLOAT)
        .init("minus1", longs(new int[0], -1))
        .node("Equal", "s,n", "e").node("Where", "e,minus1,s", "w")
        .node("Reshape", "x,w", "xr").node("Add", "xr,f", "y").output("y", ElemType.FLOAT);
    try (CpuExecutable e = (CpuExecutable) cpu.get().compile(c.graph(), 13)) {
      // Shape, Gather, Range, Cast, Equal and Where are evaluated when the plan is built;
      // only the Reshape view and the Add remain
      assertThat(e.stepCount(c.feeds, c.outputs)).isEqualTo(2);
      Tensor y = e.run(c.feeds, c.outputs).get("y");
      Tensor x = c.feeds.get("x");
      for (int i = 0; i < y.size(); i++) {
        assertThat(y.get(i)).isEqualTo(x.get(i) + i % 6);
      }
    }
  }

  @Test
  void comparisonsAndWhereFoldInt64ShapeVectorsWithTheirTypes() {
    Node eq = Node.builder("Equal").name("eq").inputs("s", "m").outputs("e").build();
    Tensor s = longs(new int[] {3}, 2, -1, 4);
    Tensor[] e = NodeEvaluator.evaluate(eq, new Tensor[] {s, longs(new int[0], -1)}, 18);
    assertThat(e[0].elemType()).isEqualTo(ElemType.BOOL);
    assertThat(e[0].toLongArray()).containsExactly(0, 1, 0);
    Node where = Node.builder("Where").name("w").inputs("e", "x", "s").outputs("y").build();
    Tensor[] w = NodeEvaluator.evaluate(where,
        new Tensor[] {e[0], longs(new int[] {3}, 7, 3, 9), s}, 18);
    assertThat(w[0].elemType()).isEqualTo(ElemType.INT64);
    assertThat(w[0].toLongArray()).containsExactly(2, 3, 4);
    Node cast = Node.builder("Cast").name("c").inputs("s").outputs("f")
        .attr("to", (long) ElemType.FLOAT).build();
    Tensor[] f = NodeEvaluator.evaluate(cast, new Tensor[] {s}, 18);
    assertThat(f[0].isFloat()).isTrue();
    assertThat(f[0].toFloatArray()).containsExactly(2f, -1f, 4f);
    Node range = Node.builder("Range").name("r").inputs("a", "b", "d").outputs("r").build();
    Tensor[] r = NodeEvaluator.evaluate(range, new Tensor[] {longs(new int[0], 3),
        longs(new int[0], -4), longs(new int[0], -3)}, 18);
    assertThat(r[0].elemType()).isEqualTo(ElemType.INT64);
    assertThat(r[0].toLongArray()).containsExactly(3, 0, -3);
  }

  @Test
  void float16RoundingMatchesTheBitLevelDefinition() {
    // every float16 value and every midpoint between neighbours (ties go to the even one)
    for (int h = 0; h < 0x7C00; h++) {
      float v = GraphCase.half(h);
      assertThat(CastKernel.roundToFloat16(v)).isEqualTo(v);
      assertThat(CastKernel.roundToFloat16(-v)).isEqualTo(-v);
      float next = h + 1 == 0x7C00 ? 65536f : GraphCase.half(h + 1);
      float mid = (v + next) / 2;
      float even = (h & 1) == 0 ? v : (h + 1 == 0x7C00 ? Float.POSITIVE_INFINITY : next);
      assertThat(CastKernel.roundToFloat16(mid)).as("tie above %s", v).isEqualTo(even);
      assertThat(CastKernel.roundToFloat16(Math.nextUp(mid)))
          .isEqualTo(h + 1 == 0x7C00 ? Float.POSITIVE_INFINITY : next);
      assertThat(CastKernel.roundToFloat16(Math.nextDown(mid))).isEqualTo(v);
    }
  }

  // ------------------------------------------------------------------------------ errors

  @Test
  void castToTypesBocompDoesNotHoldIsRefusedNamingTheNode() {
    for (long to : new long[] {8, 14, 17, 19, 22}) {
      Graph g = GraphCase.of("c", 13).input("x", 2).node("Cast", "x", "y", "to", to)
          .output("y", ElemType.FLOAT).graph();
      assertThatThrownBy(() -> ShapeInference.infer(g, 19))
          .isInstanceOf(UnsupportedOperatorException.class).hasMessageContaining("node_y")
          .hasMessageContaining("is not supported");
      assertThatThrownBy(() -> {
        try (Executable e = cpu.get().compile(g, 19)) {
          e.run(Map.of("x", Parity.random(1, 2)), List.of("y"));
        }
      }).isInstanceOf(UnsupportedOperatorException.class).hasMessageContaining("node_y");
    }
    Graph noTo = GraphCase.of("c", 13).input("x", 2).node("Cast", "x", "y")
        .output("y", ElemType.FLOAT).graph();
    assertThatThrownBy(() -> ShapeInference.infer(noTo, 13))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("node_y")
        .hasMessageContaining("'to'");
  }

  @Test
  void malformedLogicAndGeneratorNodesAreRefusedNamingTheNode() {
    GraphCase.of("where shapes", 13).input("c", 2, 3).input("x", 4, 3)
        .input("y", 3).node("Where", "c,x,y", "out")
        .assertMalformed(cpu.get(), "cannot be broadcast");
    GraphCase.of("equal arity", 13).input("a", 2, 3).node("Equal", "a", "y")
        .assertMalformed(cpu.get(), "needs 2 inputs");
    GraphCase.of("range delta 0", 13).init("a", scalar(0f)).init("d", scalar(0f))
        .input("x", 1).node("Range", "a,a,d", "y")
        .assertMalformed(cpu.get(), "delta is 0");
    GraphCase.of("range vector start", 13).init("a", vals(0f, 1f))
        .init("d", scalar(1f)).input("x", 1).node("Range", "a,d,d", "y")
        .assertMalformed(cpu.get(), "scalar");
    GraphCase.of("fill of two values", 13).init("s", longs(new int[] {1}, 3))
        .input("x", 1).node("ConstantOfShape", "s", "y", "value", vals(1f, 2f))
        .assertMalformed(cpu.get(), "one element");
    GraphCase.of("negative dimension", 13).init("s", longs(new int[] {2}, 3, -2))
        .input("x", 1).node("ConstantOfShape", "s", "y")
        .assertMalformed(cpu.get(), "invalid dimension");
    GraphCase.of("eye of a 3-D input", 13).input("x", 2, 2, 2)
        .node("EyeLike", "x", "y")
        .assertMalformed(cpu.get(), "2-D");
  }

  // ------------------------------------------------------------------------------ helpers

  private static Tensor vals(float... v) {
    return Tensor.of(new int[] {v.length}, v);
  }

  private static Tensor scalar(float v) {
    return Tensor.scalar(v);
  }

  private static Tensor longs(int[] shape, long... v) {
    return Tensor.ofLongs(shape, v);
  }

  private static float[] concat(float[] a, float... b) {
    float[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Seeded values on a coarse grid (-1.5, -1, ..., 1), so comparisons meet equal pairs. */
  private static Tensor steps(long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (r.nextInt(6) - 3) / 2f;
    }
    return Tensor.of(shape, v);
  }
}

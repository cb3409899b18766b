package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.model.ElemType;
import io.bocomp.model.Tensor;
import io.bocomp.testing.ClassCpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a transformer's encoder block runs through, against ONNX Runtime on both kernel paths
 * (Vector API on and off): a MatMul with a fused Add (a bias row, a scalar, a same-shaped
 * residual; either operand order), Gelu written out as Div, Erf, Add, Mul, Mul ({@link GeluPattern}:
 * both Mul orders, in a MatMul's epilogue and on its own) and the vector Softmax along a last
 * axis of awkward lengths, with -infinity (masked) entries, LayerNormalization of awkward widths
 * (and a large mean); that the fusions happen (the step
 * count) and that a pattern whose intermediate is wanted is left unfused and still right.
 */
class TransformerFusionConformanceTest {
  @RegisterExtension static final ClassCpuBackend cpu = new ClassCpuBackend(2);

  @AfterEach
  void restore() {
    VectorSupport.forced = null;
  }

  /** Every case on the vector path and on the scalar one (a GraphCase builds its graph once). */
  static Stream<Arguments> cases() {
    return Stream.of(true, false).flatMap(v -> build().stream().map(c -> Arguments.of(c, v)));
  }

  private static List<GraphCase> build() {
    List<GraphCase> c = new ArrayList<>();
    for (int n : new int[] {1, 7, 16, 33, 130}) {
      c.add(GraphCase.of("matmul + bias row, width " + n, 13).input("x", 2, 5, 12)
          .init("w", Parity.random(3, 12, n)).init("b", Parity.random(4, n))
          .node("MatMul", "x,w", "p").node("Add", "b,p", "y").output("y", ElemType.FLOAT));
    }
    c.add(GraphCase.of("matmul + [1,N] bias, bias second", 13).input("x", 9, 12)
        .init("w", Parity.random(3, 12, 17)).init("b", Parity.random(4, 1, 17))
        .node("MatMul", "x,w", "p").node("Add", "p,b", "y").output("y", ElemType.FLOAT));
    c.add(GraphCase.of("matmul + scalar", 13).input("x", 3, 4, 12)
        .init("w", Parity.random(3, 12, 5)).init("b", scalar(0.25f))
        .node("MatMul", "x,w", "p").node("Add", "p,b", "y").output("y", ElemType.FLOAT));
    c.add(GraphCase.of("matmul + same-shaped residual, then relu", 13).input("x", 3, 4, 12)
        .input("r", 3, 4, 20).init("w", Parity.random(3, 12, 20))
        .node("MatMul", "x,w", "p").node("Add", "r,p", "s").node("Relu", "s", "y")
        .output("y", ElemType.FLOAT));
    c.add(GraphCase.of("matmul one row + bias (gemv)", 13).input("x", 1, 70)
        .init("w", Parity.random(3, 70, 40)).init("b", Parity.random(4, 40))
        .node("MatMul", "x,w", "p").node("Add", "p,b", "y").output("y", ElemType.FLOAT));
    c.add(GraphCase.of("batched matmul + bias is not fused", 13).input("x", 2, 3, 5)
        .input("w", 2, 5, 4).init("b", Parity.random(4, 4))
        .node("MatMul", "x,w", "p").node("Add", "p,b", "y").output("y", ElemType.FLOAT));
    c.add(GraphCase.of("bias that broadcasts rows up is not fused", 13).input("x", 1, 6)
        .init("w", Parity.random(3, 6, 5)).init("b", Parity.random(4, 3, 5))
        .node("MatMul", "x,w", "p").node("Add", "p,b", "y").output("y", ElemType.FLOAT));
    for (int n : new int[] {1, 7, 33, 128, 1023}) {
      c.add(gelu("mlp: matmul + bias + gelu, width " + n, n, true, true));
    }
    c.add(gelu("gelu with Mul(x, 0.5) first", 40, true, false));
    c.add(gelu("gelu on its own", 37, false, true));
    c.add(gelu("gelu on its own, Mul(x, 0.5) first", 4099, false, false));
    c.add(gelu("gelu with its Erf wanted (not fused)", 19, true, true).output("e",
        ElemType.FLOAT));
    c.add(GraphCase.of("gelu as Mul by 1/sqrt 2, constant first", 13).input("x", 3, 50)
        .init("c", scalar((float) Math.sqrt(0.5))).init("one", scalar(1f))
        .init("half", scalar(0.5f)).node("Mul", "c,x", "d").node("Erf", "d", "e")
        .node("Add", "one,e", "a").node("Mul", "a,x", "m").node("Mul", "half,m", "y")
        .output("y", ElemType.FLOAT));
    for (int len : new int[] {1, 7, 16, 17, 50, 1023}) {
      c.add(GraphCase.of("softmax last axis, length " + len, 13).input("x", wide(3, 5, len))
          .node("Softmax", "x", "y", "axis", -1L).output("y", ElemType.FLOAT));
    }
    for (int w : new int[] {1, 7, 64, 65, 4097}) {
      c.add(GraphCase.of("layernorm width " + w, 17)
          .input("x", offset(wide(3, 5, w), w == 65 ? 1000f : 0.5f))
          .init("s", Parity.random(5, w)).init("b", Parity.random(6, w))
          .node("LayerNormalization", "x,s,b", "y", "axis", -1L)
          .output("y", ElemType.FLOAT));
    }
    c.add(GraphCase.of("softmax with masked (-inf) entries", 13).input("x", masked(6, 33))
        .node("Softmax", "x", "y", "axis", -1L).output("y", ElemType.FLOAT));
    return c;
  }

  /**
   * {@code gelu(x W + b)} (or {@code gelu(x)} without {@code matMul}) written out as five nodes;
   * {@code xFirst}: {@code Mul(Mul(x, a), 0.5)}, else {@code Mul(Mul(x, 0.5), a)}.
   */
  private static GraphCase gelu(String label, int n, boolean matMul, boolean xFirst) {
    GraphCase c = GraphCase.of(label, 13).init("sqrt2", scalar(1.4142135f))
        .init("one", scalar(1f)).init("half", scalar(0.5f));
    String x = "x";
    if (matMul) {
      c.input("in", 4, 5, 24).init("w", Parity.random(3, 24, n)).init("b", Parity.random(4, n))
          .node("MatMul", "in,w", "p").node("Add", "p,b", "h");
      x = "h";
    } else {
      c.input("x", wide(6, n));
    }
    c.node("Div", x + ",sqrt2", "d").node("Erf", "d", "e").node("Add", "e,one", "a");
    if (xFirst) {
      c.node("Mul", x + ",a", "m").node("Mul", "m,half", "y");
    } else {
      c.node("Mul", x + ",half", "m").node("Mul", "m,a", "y");
    }
    return c.output("y", ElemType.FLOAT);
  }

  @ParameterizedTest(name = "{0}, vector {1}")
  @MethodSource("cases")
  void matchesOnnxRuntime(GraphCase c, boolean vector) {
    VectorSupport.forced = vector;
    c.assertMatchesOnnxRuntime(cpu.get());
  }

  @Test
  void theChainsRunAsOneStepEach() {
    assertThat(steps(gelu("mlp", 64, true, true))).isEqualTo(1);
    assertThat(steps(gelu("alone", 64, false, false))).isEqualTo(1);
    assertThat(steps(gelu("erf wanted", 64, true, true).output("e", ElemType.FLOAT)))
        .as("MatMul + Add, then Div, Erf, Add, Mul, Mul").isEqualTo(6);
  }

  private static int steps(GraphCase c) {
    try (Executable e = cpu.get().compile(c.graph(), c.opset)) {
      return ((CpuExecutable) e).stepCount(c.feeds, c.outputs);
    }
  }

  /** Values in [-6, 6] (Gelu's and Erf's interesting range and beyond). */
  private static Tensor wide(int... shape) {
    Tensor t = Parity.random(11, shape);
    for (int i = 0; i < t.size(); i++) {
      t.data().put(i, t.data().get(i) * 3f);
    }
    return t;
  }

  private static Tensor offset(Tensor t, float by) {
    for (int i = 0; i < t.size(); i++) {
      t.data().put(i, t.data().get(i) + by);
    }
    return t;
  }

  /** Rows with every third entry -infinity (the first of each row stays finite). */
  private static Tensor masked(int rows, int len) {
    Tensor t = wide(rows, len);
    for (int r = 0; r < rows; r++) {
      for (int j = 1; j < len; j += 3) {
        t.data().put(r * len + j, Float.NEGATIVE_INFINITY);
      }
    }
    return t;
  }

  private static Tensor scalar(float v) {
    return Tensor.of(new int[0], new float[] {v});
  }
}

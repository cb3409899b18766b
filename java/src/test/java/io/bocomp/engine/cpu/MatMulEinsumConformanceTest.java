package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.model.ElemType;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * N-D MatMul (broadcast batch dimensions, 1-D operands, empty inner dimension, work splitting) and
 * Einsum (the forms transformers export, ellipsis, implicit output) against ONNX Runtime, alone and
 * in multi-node graphs (an exported attention block, with a causal mask built from Range); which
 * Einsum forms run without copies; the forms refused, naming the node.
 */
class MatMulEinsumConformanceTest extends GraphCaseConformance {
  static Stream<GraphCase> cases() {
    return Stream.of(matMuls(), einsums(), graphs()).flatMap(s -> s);
  }

  // ------------------------------------------------------------------------------ MatMul

  static Stream<GraphCase> matMuls() {
    return Stream.of(
        matMul("matmul [B,H,T,D] x [B,H,D,T]", new int[] {2, 4, 7, 8}, new int[] {2, 4, 8, 7}),
        matMul("matmul [T,D] x [B,D,E]", new int[] {7, 8}, new int[] {3, 8, 5}),
        matMul("matmul [B,1,T,D] x [H,D,T]", new int[] {2, 1, 7, 8}, new int[] {4, 8, 7}),
        matMul("matmul 1-D x 4-D", new int[] {8}, new int[] {2, 4, 8, 7}),
        matMul("matmul 4-D x 1-D", new int[] {2, 4, 7, 8}, new int[] {8}),
        matMul("matmul 1-D x 1-D", new int[] {33}, new int[] {33}),
        matMul("matmul [1,T,D] x [B,D,E] (size-1 batch)", new int[] {1, 5, 6},
            new int[] {3, 6, 4}),
        matMul("matmul two big batches, row blocks", new int[] {2, 130, 300},
            new int[] {2, 300, 90}),
        matMul("matmul three big batches, column blocks", new int[] {3, 50, 300},
            new int[] {3, 300, 200}),
        matMul("matmul one-row batches (gemv)", new int[] {3, 1, 70}, new int[] {3, 70, 40}),
        GraphCase.of("matmul empty inner dimension", 13).init("a", Tensor.zeros(3, 0))
            .init("b", Tensor.zeros(0, 4)).input("x", 3, 4).node("MatMul", "a,b", "p")
            .node("Add", "x,p", "y").output("y", ElemType.FLOAT),
        GraphCase.of("batched matmul fused with relu", 13).input("a", 2, 3, 5, 6)
            .input("b", 3, 6, 4)
            .node("MatMul", "a,b", "p").node("Relu", "p", "y").output("y", ElemType.FLOAT));
  }

  private static GraphCase matMul(String label, int[] a, int[] b) {
    return GraphCase.of(label, 13).input("a", a).input("b", b).node("MatMul", "a,b", "y")
        .output("y", ElemType.FLOAT);
  }

  // ------------------------------------------------------------------------------ Einsum

  static Stream<GraphCase> einsums() {
    return Stream.of(
        einsum("bij,bjk->bik", new int[] {3, 4, 5}, new int[] {3, 5, 6}),
        einsum("bhid,bhjd->bhij", new int[] {2, 4, 7, 8}, new int[] {2, 4, 7, 8}),
        einsum("bhij,bhjd->bhid", new int[] {2, 4, 7, 7}, new int[] {2, 4, 7, 8}),
        einsum("ij,jk->ik", new int[] {5, 7}, new int[] {7, 3}),
        einsum("bi,bi->b", new int[] {6, 9}, new int[] {6, 9}),
        einsum("bij->bji", new int[] {3, 4, 5}),
        einsum("i,j->ij", new int[] {5}, new int[] {7}),
        einsum("bqhd,bkhd->bhqk", new int[] {2, 5, 3, 4}, new int[] {2, 6, 3, 4}),
        einsum("bij,bjk->bki", new int[] {2, 3, 4}, new int[] {2, 4, 5}),
        einsum("abc,cd->abd", new int[] {2, 3, 4}, new int[] {4, 5}),
        einsum("ijk,ikl->jl", new int[] {3, 4, 5}, new int[] {3, 5, 6}),
        einsum("bi,bj->bij", new int[] {3, 4}, new int[] {3, 5}),
        einsum("ij,ij->ij", new int[] {4, 5}, new int[] {4, 5}),
        einsum("ij,j->i", new int[] {4, 5}, new int[] {5}),
        einsum("ij,kl->ik", new int[] {3, 4}, new int[] {5, 6}),
        einsum("...ij,...jk->...ik", new int[] {2, 1, 4, 5}, new int[] {1, 3, 5, 6}),
        einsum("...ij,jk->...ik", new int[] {2, 3, 4, 5}, new int[] {5, 6}),
        einsum("bij,bjk->bik", new int[] {1, 4, 5}, new int[] {3, 5, 6}),
        einsum("ij,jk", new int[] {4, 5}, new int[] {5, 3}),
        einsum("ji", new int[] {4, 5}),
        einsum("ij->", new int[] {4, 5}),
        einsum("ijk->ki", new int[] {3, 4, 5}),
        einsum("i j , j k -> i k", new int[] {2, 3}, new int[] {3, 4}));
  }

  private static GraphCase einsum(String equation, int[]... shapes) {
    GraphCase c = GraphCase.of("einsum " + equation + " " + deep(shapes), 13);
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < shapes.length; i++) {
      c.input("x" + i, shapes[i]);
      in.append(i == 0 ? "" : ",").append("x").append(i);
    }
    return c.node("Einsum", in.toString(), "y", "equation", equation)
        .output("y", ElemType.FLOAT);
  }

  // ------------------------------------------------------------------------------ graphs

  static Stream<GraphCase> graphs() {
    return Stream.of(attention(false), attention(true),
        GraphCase.of("cast of a shape to float (plan time)", 13).input("x", 2, 3, 3)
            .node("Shape", "x", "s").node("Cast", "s", "f", "to", (long) ElemType.FLOAT)
            .node("Mul", "x,f", "y").output("y", ElemType.FLOAT).output("f", ElemType.FLOAT),
        GraphCase.of("comparisons of shapes (plan time)", 13).input("x", 2, 1, 5)
            .init("one", longs(new int[0], 1)).node("Shape", "x", "s")
            .node("Greater", "s,one", "g").node("LessOrEqual", "s,one", "le")
            .node("Xor", "g,le", "all").node("Not", "le", "n").node("And", "all,n", "y")
            .output("g", ElemType.BOOL).output("y", ElemType.BOOL),
        GraphCase.of("einsum, then a comparison and Where", 13).input("a", 3, 4).input("b", 4, 5)
            .init("z", scalar(0f)).node("Einsum", "a,b", "p", "equation", "ij,jk->ik")
            .node("GreaterOrEqual", "p,z", "pos").node("Where", "pos,p,z", "y")
            .output("y", ElemType.FLOAT).output("pos", ElemType.BOOL));
  }

  /**
   * The attention block an exporter writes: {@code softmax(q k^T / sqrt(d)) v} on [2,4,7,8]
   * tensors; with {@code causal}, the mask is built from Range and a comparison of the query and
   * key positions (plan-time int64 arithmetic) and applied with Where.
   */
  private static GraphCase attention(boolean causal) {
    String label = causal ? "attention block with a causal mask from Range" : "attention block";
    GraphCase c = GraphCase.of(label, 13).input("q", 2, 4, 7, 8).input("k", 2, 4, 7, 8)
        .input("v", 2, 4, 7, 8)
        .init("sqrt_d", scalar((float) Math.sqrt(8)))
        .node("Transpose", "k", "kt", "perm", new long[] {0, 1, 3, 2})
        .node("MatMul", "q,kt", "scores").node("Div", "scores,sqrt_d", "scaled");
    String logits = "scaled";
    if (causal) {
      c.init("zero", longs(new int[0], 0)).init("one", longs(new int[0], 1))
          .init("two", longs(new int[0], 2)).init("ax0", longs(new int[] {1}, 0))
          .init("ax1", longs(new int[] {1}, 1)).init("neg", scalar(-1e9f))
          .node("Shape", "q", "qs").node("Gather", "qs,two", "t", "axis", 0L)
          .node("Range", "zero,t,one", "pos").node("Unsqueeze", "pos,ax1", "rows")
          .node("Unsqueeze", "pos,ax0", "cols").node("GreaterOrEqual", "rows,cols", "mask")
          .node("Where", "mask,scaled,neg", "masked").output("mask", ElemType.BOOL);
      logits = "masked";
    }
    return c.node("Softmax", logits, "p", "axis", -1L).node("MatMul", "p,v", "out")
        .output("out", ElemType.FLOAT);
  }

  @Test
  void theEinsumFormsTransformersExportCopyNothing() {
    assertThat(einsumPlan("bhid,bhjd->bhij", new int[] {2, 4, 7, 8}, new int[] {2, 4, 7, 8}))
        .isEqualTo("Einsum(8 x [7x8] * [8x7^T], copies: none)");
    assertThat(einsumPlan("bhij,bhjd->bhid", new int[] {2, 4, 7, 7}, new int[] {2, 4, 7, 8}))
        .isEqualTo("Einsum(8 x [7x7] * [7x8], copies: none)");
    assertThat(einsumPlan("bij,bjk->bik", new int[] {3, 4, 5}, new int[] {3, 5, 6}))
        .isEqualTo("Einsum(3 x [4x5] * [5x6], copies: none)");
    assertThat(einsumPlan("ij,jk->ik", new int[] {4, 5}, new int[] {5, 6}))
        .isEqualTo("Einsum(1 x [4x5] * [5x6], copies: none)");
    assertThat(einsumPlan("bi,bi->b", new int[] {6, 9}, new int[] {6, 9}))
        .isEqualTo("Einsum(6 x [1x9] * [9x1] as dots, copies: none)");
    assertThat(einsumPlan("i,j->ij", new int[] {5}, new int[] {7}))
        .isEqualTo("Einsum(1 x [5x1] * [1x7], copies: none)");
    assertThat(einsumPlan("ij,jk->ki", new int[] {4, 5}, new int[] {5, 6}))
        .isEqualTo("Einsum(1 x [6x5^T] * [5x4^T], operands swapped, copies: none)");
    assertThat(einsumPlan("bqhd,bkhd->bhqk", new int[] {2, 5, 3, 4}, new int[] {2, 6, 3, 4}))
        .contains("copies: left right");
  }

  private static String einsumPlan(String equation, int[]... shapes) {
    String[] in = new String[shapes.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = "x" + i;
    }
    Node n = Node.builder("Einsum").name("e").inputs(in).outputs("y")
        .attr("equation", equation).build();
    int[] out = ShapeInference.outputShapes(n, shapes, null)[0];
    return CpuKernels.create(new KernelSpec(n, 18, shapes, new Tensor[shapes.length],
        new int[][] {out}), 2).toString();
  }

  @Test
  void aBatchedMatMulStillFusesItsActivation() {
    GraphCase c = GraphCase.of("fused", 13).input("a", 2, 3, 5, 6).input("b", 3, 6, 4)
        .node("MatMul", "a,b", "p").node("Relu", "p", "y").output("y", ElemType.FLOAT);
    try (CpuExecutable e = (CpuExecutable) cpu.get().compile(c.graph(), 13)) {
      assertThat(e.stepCount(c.feeds, c.outputs)).isEqualTo(1);
    }
  }

  @Test
  void einsumFormsOutsideItsLimitsAreRefusedNamingTheNode() {
    GraphCase.of("three", 13).input("a", 2, 3).input("b", 3, 4).input("c", 4, 5)
        .node("Einsum", "a,b,c", "y", "equation", "ij,jk,kl->il")
        .assertUnsupported(cpu.get(), "3 operands");
    GraphCase.of("diagonal", 13).input("a", 3, 3)
        .node("Einsum", "a", "y", "equation", "ii->i")
        .assertUnsupported(cpu.get(), "diagonal");
    GraphCase.of("unknown output index", 13).input("a", 2, 3).input("b", 3, 4)
        .node("Einsum", "a,b", "y", "equation", "ij,jk->iz")
        .assertMalformed(cpu.get(), "in no operand");
    GraphCase.of("rank mismatch", 13).input("a", 2, 3).input("b", 3, 4)
        .node("Einsum", "a,b", "y", "equation", "ijk,jk->ik")
        .assertMalformed(cpu.get(), "rank 2");
    GraphCase.of("size mismatch", 13).input("a", 2, 3).input("b", 4, 4)
        .node("Einsum", "a,b", "y", "equation", "ij,jk->ik")
        .assertMalformed(cpu.get(), "size");
    GraphCase.of("operand count", 13).input("a", 2, 3)
        .node("Einsum", "a", "y", "equation", "ij,jk->ik")
        .assertMalformed(cpu.get(), "2 operand(s)");
  }

  private static Tensor scalar(float v) {
    return Tensor.scalar(v);
  }

  private static Tensor longs(int[] shape, long... v) {
    return Tensor.ofLongs(shape, v);
  }

  private static String deep(int[][] shapes) {
    StringBuilder b = new StringBuilder();
    for (int[] s : shapes) {
      b.append(Arrays.toString(s));
    }
    return b.toString();
  }
}

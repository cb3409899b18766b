package io.bocomp.model.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.model.Attribute;
import io.bocomp.model.ElemType;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shape and type rules of the logic, generator and Einsum schemas where not everything is known
 * statically (unknown dimensions, int64 elements known only partly, unknown ranks), and the
 * element types the planner and shape inference give their outputs. Their values are checked
 * against ONNX Runtime in {@code LogicOpConformanceTest}.
 */
class LogicOpSchemaTest {

  @Test
  void shapeInferenceKeepsWhatIsKnownOfTheNewOps() {
    long u = ShapeInference.UNKNOWN_VALUE;
    assertThat(shapes(node("ConstantOfShape", "s"), new int[][] {{2}},
        longs(new int[] {2}, u, 3))).containsExactly(-1, 3);
    assertThat(shapes(node("ConstantOfShape", "s"), new int[][] {{3}}, (Tensor) null))
        .containsExactly(-1, -1, -1);
    assertThat(shapes(node("Range", "a", "b", "d"), new int[][] {{}, {}, {}},
        longs(new int[0], 0), longs(new int[0], u), longs(new int[0], 1))).containsExactly(-1);
    assertThat(shapes(node("Range", "a", "b", "d"), new int[][] {{}, {}, {}},
        scalar(0f), scalar(1f), scalar(0.25f))).containsExactly(4);
    Node.Builder att = Node.builder("Einsum").name("e").inputs("a", "b").outputs("y")
        .attr("equation", "bhid,bhjd->bhij");
    assertThat(ShapeInference.outputShapes(att.build(),
        new int[][] {{-1, 4, 7, 8}, {-1, 4, -1, 8}}, null)[0]).containsExactly(-1, 4, 7, -1);
    Node ell = Node.builder("Einsum").name("e").inputs("a", "b").outputs("y")
        .attr("equation", "...ij,...jk->...ik").build();
    assertThat(ShapeInference.outputShapes(ell, new int[][] {{2, 1, 4, 5}, {3, 5, 6}},
        null)[0]).containsExactly(2, 3, 4, 6);
    assertThat(ShapeInference.outputShapes(ell, new int[][] {null, {3, 5, 6}}, null)[0])
        .isNull();
    Node implicit = Node.builder("Einsum").name("e").inputs("a").outputs("y")
        .attr("equation", "ba").build();
    assertThat(ShapeInference.outputShapes(implicit, new int[][] {{2, 3}}, null)[0])
        .containsExactly(3, 2);
    Node where = Node.builder("Where").name("w").inputs("c", "x", "y").outputs("o").build();
    assertThat(ShapeInference.outputShapes(where, new int[][] {{2, 1, -1}, {3, 1}, {4}},
        null)[0]).containsExactly(2, 3, 4);
  }

  @Test
  void typeRulesGiveBoolComparisonsTheCastTypeAndXsTypeForWhere() {
    Graph g = Graph.builder()
        .input(new ValueInfo("x", ElemType.FLOAT, new int[] {2, 3}, null))
        .initializer("s", longs(new int[] {2}, 2, 3)).initializer("m", longs(new int[0], 3))
        .addNode(n("Equal", "e", "s", "m").build())
        .addNode(n("Where", "w", "e", "s", "m").build())
        .addNode(n("Cast", "h", "x").attr("to", (long) ElemType.FLOAT16).build())
        .addNode(n("CastLike", "l", "x", "s").build())
        .addNode(n("Range", "r", "m", "m", "m").build())
        .addNode(n("ConstantOfShape", "c", "s").attr("value",
            Attribute.ofTensor(longs(new int[] {1}, 1).withElemType(ElemType.UINT8))).build())
        .addNode(n("IsNaN", "n", "x").build())
        .addNode(n("EyeLike", "i", "x").attr("dtype", (long) ElemType.INT16).build())
        .addNode(n("EyeLike", "j", "x").build())
        .output(new ValueInfo("w", ElemType.INT64, null, null)).build();
    Graph inferred = ShapeInference.infer(g, 13);
    Map<String, Integer> expected = Map.of("e", ElemType.BOOL, "w", ElemType.INT64,
        "h", ElemType.FLOAT16, "l", ElemType.INT64, "r", ElemType.INT64, "c", ElemType.UINT8,
        "n", ElemType.BOOL, "i", ElemType.INT16, "j", ElemType.FLOAT);
    for (Map.Entry<String, Integer> x : expected.entrySet()) {
      assertThat(inferred.valueInfo(x.getKey()).orElseThrow().elemType()).as(x.getKey())
          .isEqualTo(x.getValue());
    }
    assertThat(inferred.valueInfo("r").orElseThrow().shape()).containsExactly(0);
    assertThat(inferred.valueInfo("c").orElseThrow().shape()).containsExactly(2, 3);
  }

  @Test
  void einsumEquationsExpandEllipsesAndMakeImplicitOutputsExplicit() {
    Node n = n("Einsum", "y", "a", "b").attr("equation", "...ij,jk").build();
    EinsumEquation eq = EinsumEquation.of(n, new int[] {4, 2});
    assertThat(eq.toString()).isEqualTo("...0...1ij,jk->...0...1ik");
    Node mixed = n("Einsum", "y", "a").attr("equation", "Bab").build();
    assertThat(new String(EinsumEquation.of(mixed, new int[] {3}).output())).isEqualTo("abB");
  }

  private static Node.Builder n(String op, String out, String... in) {
    return Node.builder(op).name("node_" + out).inputs(in).outputs(out);
  }

  private static Tensor longs(int[] shape, long... v) {
    return Tensor.ofLongs(shape, v);
  }

  private static Tensor scalar(float v) {
    return Tensor.scalar(v);
  }

  private static Node node(String op, String... inputs) {
    return Node.builder(op).name("n").inputs(inputs).outputs("y").build();
  }

  private static int[] shapes(Node n, int[][] in, Tensor... consts) {
    return ShapeInference.outputShapes(n, in, consts)[0];
  }
}

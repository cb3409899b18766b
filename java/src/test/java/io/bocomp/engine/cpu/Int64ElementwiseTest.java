package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Plan-time shape arithmetic on int64 values beyond float32's exact range (Slice's INT64_MAX end
 * markers, large products) folds exactly.
 */
class Int64ElementwiseTest {
  private static final long BIG = Long.MAX_VALUE;

  private static Tensor longs(long... v) {
    return Tensor.ofLongs(new int[] {v.length}, v);
  }

  private static Tensor eval(Node n, Tensor... in) {
    return NodeEvaluator.evaluate(n, in, 18)[0];
  }

  private static Node node(String op, String... inputs) {
    return Node.builder(op).name("n").inputs(inputs).outputs("y").build();
  }

  @Test
  void comparisonsAndWhereKeepHugeValues() {
    Tensor eq = eval(node("Equal", "a", "b"), longs(BIG, 3, -1), longs(-1));
    assertThat(eq.elemType()).isEqualTo(ElemType.BOOL);
    assertThat(eq.toLongArray()).containsExactly(0, 0, 1);
    Tensor w = eval(node("Where", "c", "x", "y"), eq, longs(7, 8, 9), longs(BIG, BIG - 1, 5));
    assertThat(w.toLongArray()).containsExactly(BIG, BIG - 1, 9);
    assertThat(eval(node("Greater", "a", "b"), longs(BIG, 0), longs(BIG - 1)).toLongArray())
        .containsExactly(1, 0);
    assertThat(eval(node("Not", "a"), eq).toLongArray()).containsExactly(1, 1, 0);
  }

  @Test
  void arithmeticIsExactBeyondTwoToTheTwentyFour() {
    long big = (1L << 40) + 3;
    assertThat(eval(node("Mul", "a", "b"), longs(big), longs(3)).toLongArray())
        .containsExactly(3 * big);
    assertThat(eval(node("Div", "a", "b"), longs(-7, 7, big), longs(2)).toLongArray())
        .containsExactly(-3, 3, big / 2);
    assertThat(eval(node("Mod", "a", "b"), longs(-7, 7), longs(3)).toLongArray())
        .as("fmod=0 takes the divisor's sign").containsExactly(2, 1);
    assertThat(eval(node("Min", "a", "b"), longs(BIG, -BIG), longs(0)).toLongArray())
        .containsExactly(0, -BIG);
    assertThatThrownBy(() -> eval(node("Div", "a", "b"), longs(1), longs(0)))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("Div node 'n'");
  }

  @Test
  void castBetweenIntegerTypesWraps() {
    Node toInt32 = Node.builder("Cast").name("c").inputs("a").outputs("y")
        .attr("to", (long) ElemType.INT32).build();
    Tensor t = eval(toInt32, longs((1L << 32) + 5, -1));
    assertThat(t.elemType()).isEqualTo(ElemType.INT32);
    assertThat(t.toLongArray()).containsExactly(5, -1);
    Node toUint8 = Node.builder("Cast").name("c").inputs("a").outputs("y")
        .attr("to", (long) ElemType.UINT8).build();
    assertThat(eval(toUint8, longs(257, -1)).toLongArray()).containsExactly(1, 255);
  }
}

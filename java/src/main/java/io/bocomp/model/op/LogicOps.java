package io.bocomp.model.op;

import io.bocomp.model.ElemType;
import io.bocomp.model.Node;

/**
 * Schemas of the type-conversion and logic ops: Cast and CastLike (output type {@code to}, or
 * input 1's), the comparisons Equal, Greater, Less, GreaterOrEqual and LessOrEqual and the
 * logic ops And, Or, Xor (numpy broadcasting, bool output), Not, IsNaN and IsInf (bool output of
 * the input's shape), and Where (three-way broadcast, output of X's type).
 *
 * <p>Every op here also serves plan-time shape arithmetic on int64 vectors, so the type rules
 * matter: a comparison of two int64 shapes is bool, Where picks X's type, Cast's output has the
 * type {@code to} names.
 */
final class LogicOps {
  private LogicOps() {}

  static void register(OpTable.Registry r) {
    r.add(OpSchema.builder("Cast")
        .shape((n, in) -> {
          CastTarget.of(n);
          return in.shape(0);
        })
        .types((n, t, o) -> CastTarget.of(n))
        .summary("converts to the type 'to' (float, double, float16, bfloat16, (u)int8/16/32/64,"
            + " bool): to integers truncates toward zero and wraps, to bool is x != 0, to"
            + " float16/bfloat16 rounds to nearest even; not to string, complex or float8")
        .build());
    r.add(OpSchema.builder("CastLike").inputs(2, 2).shapeOnlyInputs(1)
        .shape((n, in) -> in.shape(0))
        .types((n, t, o) -> t.length > 1 && t[1] != 0 ? CastTarget.check(n, t[1])
            : ElemType.FLOAT)
        .summary("Cast to the element type of input 1 (only its type is read)").build());
    String[][] binary = {
        {"Equal", "a == b"}, {"Greater", "a > b"}, {"Less", "a < b"},
        {"GreaterOrEqual", "a >= b"}, {"LessOrEqual", "a <= b"},
        {"And", "a && b"}, {"Or", "a || b"}, {"Xor", "a != b (as bools)"}};
    for (String[] op : binary) {
      r.add(OpSchema.builder(op[0]).inputs(2, 2).shape(ElementwiseOps::broadcast)
          .types(OpSchema.TypeRule.fixed(ElemType.BOOL))
          .summary(op[1] + " with numpy broadcasting; bool output").build());
    }
    unaryBool(r, "Not", "!x");
    unaryBool(r, "IsNaN", "x is NaN");
    unaryBool(r, "IsInf", "x is +inf (detect_positive, default 1) or -inf (detect_negative,"
        + " default 1)");
    r.add(OpSchema.builder("Where").inputs(3, 3).shape(ElementwiseOps::broadcast)
        .types(LogicOps::whereType)
        .summary("cond ? x : y with numpy broadcasting of all three; output of x's type").build());
  }

  private static void unaryBool(OpTable.Registry r, String op, String summary) {
    r.add(OpSchema.builder(op).shape((n, in) -> in.shape(0))
        .types(OpSchema.TypeRule.fixed(ElemType.BOOL)).summary(summary + "; bool output")
        .build());
  }

  /** Where's output has X's type (Y's when X's is not known). */
  private static int whereType(Node node, int[] t, int output) {
    if (t.length > 1 && t[1] != 0) {
      return t[1];
    }
    return t.length > 2 && t[2] != 0 ? t[2] : ElemType.FLOAT;
  }
}

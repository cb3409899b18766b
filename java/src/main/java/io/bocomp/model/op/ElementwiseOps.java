package io.bocomp.model.op;

import io.bocomp.model.Broadcast;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.ArrayList;
import java.util.List;

/**
 * Schemas of the element-wise ops: activations and unary math functions (one input, same shape),
 * arithmetic and Pow with numpy broadcasting, and the variadic Min, Max, Sum and Mean (one or more
 * inputs, broadcast together). Clip's bounds are typed by {@link ClipBounds}, Gelu's mode by
 * {@link GeluApproximation}. From opset 6 (7 for the binary ops) on, later versions of these ops
 * only add element types (Min/Max/Sum/Mean's broadcasting from opset 8 extends opset 6's equal
 * shapes), so only Clip has an upgrade. The opset-1 forms (attribute {@code consumed_inputs};
 * {@code broadcast}/{@code axis} on the binary ops) are read as the later ones, attributes ignored;
 * ONNX Runtime runs none of them.
 */
final class ElementwiseOps {
  private ElementwiseOps() {}

  static void register(OpTable.Registry r) {
    unary(r, "Relu", "max(x, 0)");
    unary(r, "LeakyRelu", "x < 0 ? alpha * x : x (alpha 0.01)");
    unary(r, "Sigmoid", "1 / (1 + exp(-x))");
    unary(r, "HardSigmoid", "clamp(alpha * x + beta, 0, 1) (alpha 0.2, beta 0.5)");
    unary(r, "HardSwish", "x * clamp(x / 6 + 1/2, 0, 1)");
    unary(r, "Tanh", "tanh(x)");
    unary(r, "Exp", "e^x");
    unary(r, "Log", "natural log(x)");
    unary(r, "Neg", "-x");
    unary(r, "Abs", "|x|");
    unary(r, "Reciprocal", "1 / x");
    unary(r, "Sqrt", "sqrt(x)");
    unary(r, "Erf", "erf(x) (polynomial approximations in double, error below 1e-10)");
    r.add(OpSchema.builder("Gelu").shape((n, in) -> {
      GeluApproximation.of(n);
      return in.shape(0);
    }).summary("x/2 (1 + erf(x / sqrt 2)), or the tanh form with approximate \"tanh\""
        + " (opset 20)").build());
    unary(r, "Elu", "x < 0 ? alpha (e^x - 1) : x (alpha 1)");
    unary(r, "Selu", "x > 0 ? gamma x : gamma alpha (e^x - 1) (alpha 1.67326, gamma 1.0507)");
    unary(r, "Celu", "max(0, x) + min(0, alpha (e^(x / alpha) - 1)) (alpha 1)");
    unary(r, "ThresholdedRelu", "x > alpha ? x : 0 (alpha 1)");
    unary(r, "Softplus", "log(1 + e^x)");
    unary(r, "Softsign", "x / (1 + |x|)");
    unary(r, "Mish", "x tanh(log(1 + e^x)) (opset 18)");
    unary(r, "Floor", "floor(x)");
    unary(r, "Ceil", "ceil(x)");
    unary(r, "Round", "x rounded to the nearest integer, halves to even");
    unary(r, "Sign", "-1, 0 or 1 by the sign of x");
    unary(r, "Sin", "sin(x)");
    unary(r, "Cos", "cos(x)");
    r.add(OpSchema.builder("Clip").inputs(1, 3).shape((n, in) -> in.shape(0))
        .upgrade(ElementwiseOps::clipUpgrade)
        .summary("clamp(x, min, max), bounds as constant inputs").build());
    for (String op : new String[] {"Add", "Sub", "Mul", "Div"}) {
      r.add(binary(op, "numpy-broadcast " + op.toLowerCase() + " (float, or int64 shape"
          + " arithmetic)"));
    }
    r.add(binary("Pow", "numpy-broadcast x^y for float x; y float, or an integer constant"));
    for (String op : new String[] {"Min", "Max", "Sum", "Mean"}) {
      r.add(OpSchema.builder(op).inputs(1, Integer.MAX_VALUE).shape(ElementwiseOps::broadcast)
          .summary("element-wise " + op.toLowerCase() + " of 1 or more inputs, numpy-broadcast"
              + " together (float)").build());
    }
    r.add(binary("Mod", "remainder with numpy broadcasting: fmod=1 as C fmod (sign of the"
        + " dividend; required for floats), fmod=0 with the divisor's sign (integers)"));
    r.add(OpSchema.builder("PRelu").inputs(2, 2).shape((n, in) -> {
      if (in.known(0) && in.known(1)) {
        Broadcast.checkUnidirectional(n, "slope", in.shape(1), in.shape(0));
      }
      return in.shape(0);
    }).summary("x < 0 ? slope * x : x, slope broadcast to x").build());
  }

  /** A one-input op whose output has the input's shape and type. */
  static void unary(OpTable.Registry r, String op, String summary) {
    r.add(OpSchema.builder(op).shape((n, in) -> in.shape(0)).summary(summary).build());
  }

  /** A two-input op with multidirectional broadcasting and input 0's type. */
  static OpSchema binary(String op, String summary) {
    return OpSchema.builder(op).inputs(2, 2).shape(ElementwiseOps::broadcast).summary(summary)
        .build();
  }

  /** The multidirectional broadcast of all present inputs (null if any shape is unknown). */
  static int[] broadcast(Node node, OpInputs in) {
    int[] out = null;
    for (int i = 0; i < in.count(); i++) {
      if (!in.present(i)) {
        continue;
      }
      if (!in.known(i)) {
        return null;
      }
      out = out == null ? in.shape(i) : Broadcast.shape(node, out, in.shape(i));
    }
    return out;
  }

  /** Before opset 11 the bounds were attributes min and max; now optional inputs 1 and 2. */
  private static List<Node> clipUpgrade(Node node, OpsetForms.Context c) {
    if (!node.hasAttribute("min") && !node.hasAttribute("max")) {
      return List.of(node);
    }
    if (node.inputs().size() > 1) {
      throw new UnsupportedOperatorException(node.label() + ": Clip has both bound attributes"
          + " and bound inputs");
    }
    List<String> inputs = new ArrayList<>(List.of(node.input(0)));
    String lo = node.hasAttribute("min")
        ? c.constant(node.name() + "_min", Tensor.scalar(node.floatAttr("min", 0f))) : "";
    String hi = node.hasAttribute("max")
        ? c.constant(node.name() + "_max", Tensor.scalar(node.floatAttr("max", 0f))) : "";
    inputs.add(lo);
    if (!hi.isEmpty()) {
      inputs.add(hi);
    }
    return List.of(node.toBuilder().removeAttr("min").removeAttr("max").inputs(inputs).build());
  }
}

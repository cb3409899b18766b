package io.bocomp.engine.cpu;

import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gelu written out as five nodes, the form PyTorch exports for {@code nn.GELU()} and
 * {@code F.gelu} before opset 20 (and Hugging Face models write by hand):
 * {@code d = Div(x, sqrt 2)} (or {@code Mul(x, 1/sqrt 2)}), {@code e = Erf(d)},
 * {@code a = Add(e, 1)}, then either {@code Mul(Mul(x, a), 0.5)} or {@code Mul(Mul(x, 0.5), a)}
 * (operands of Add and Mul in either order). {@link FusionChains} runs a match as one Gelu
 * activation, on its own or in a MatMul's epilogue.
 *
 * <p>A match needs: scalar float constants (sqrt 2 or 1/sqrt 2 to within 1e-6 relative, 1 and 0.5
 * exactly); {@code x} read by exactly the two pattern nodes and not wanted; each intermediate read
 * once, by the next pattern node, and not wanted; the output of {@code x}'s shape.
 */
final class GeluPattern {
  private static final double SQRT2 = Math.sqrt(2);

  private GeluPattern() {}

  /**
   * The matches among the run-time nodes, keyed by their input {@code x}: the five nodes in
   * evaluation order (the scaling Div or Mul first, the output's Mul last).
   *
   * @param uses how many run-time nodes (plus the wanted list) read each value
   */
  static Map<String, Node[]> find(List<Node> runtime, Map<String, int[]> shapes,
      Map<String, Tensor> known, Map<String, Integer> uses) {
    Map<String, List<Node>> readers = new HashMap<>();
    for (Node n : runtime) {
      for (String in : n.inputs()) {
        if (!in.isEmpty()) {
          readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
      }
    }
    Map<String, Node[]> found = new HashMap<>();
    for (Node scale : runtime) {
      Node[] m = match(scale, known, uses, readers);
      String x = m == null ? null : input(scale, known);
      if (m != null && Arrays.equals(shapes.get(x), shapes.get(m[4].output(0)))) {
        found.put(x, m);
      }
    }
    return found;
  }

  private static Node[] match(Node scale, Map<String, Tensor> known, Map<String, Integer> uses,
      Map<String, List<Node>> readers) {
    boolean div = scale.opType().equals("Div");
    if (!div && !scale.opType().equals("Mul") || scale.inputs().size() != 2) {
      return null;
    }
    String x = input(scale, known);
    Double c = x == null ? null : scalar(known, other(scale, x));
    if (c == null || known.containsKey(x)
        || Math.abs(c * (div ? 1 / SQRT2 : SQRT2) - 1) > 1e-6
        || uses.getOrDefault(x, 0) != 2) {
      return null;
    }
    Node erf = sole(scale.output(0), uses, readers);
    if (erf == null || !erf.opType().equals("Erf")) {
      return null;
    }
    Node add = sole(erf.output(0), uses, readers);
    if (!isBinary(add, "Add", erf.output(0)) || !isConst(known, other(add, erf.output(0)), 1)) {
      return null;
    }
    Node mul = sole(add.output(0), uses, readers);
    if (!isBinary(mul, "Mul", add.output(0))) {
      return null;
    }
    String m = other(mul, add.output(0));
    Node half;
    Node first;
    if (m.equals(x)) {
      // Mul(Mul(x, a), 0.5)
      half = sole(mul.output(0), uses, readers);
      if (!isBinary(half, "Mul", mul.output(0)) || !isConst(known, other(half, mul.output(0)),
          0.5)) {
        return null;
      }
      first = mul;
    } else {
      // Mul(Mul(x, 0.5), a): m is Mul(x, 0.5), read only here
      first = sole(m, uses, readers) == mul ? producer(readers.get(x), m) : null;
      if (first == null || !isBinary(first, "Mul", x)
          || !isConst(known, other(first, x), 0.5)) {
        return null;
      }
      half = mul;
    }
    return new Node[] {scale, erf, add, first, half};
  }

  /**
   * The data input of the scaling node: input 0 when input 1 is a scalar constant, else input 1
   * of a Mul whose input 0 is one; null otherwise.
   */
  private static String input(Node scale, Map<String, Tensor> known) {
    if (scale.input(0).equals(scale.input(1))) {
      return null;
    }
    if (scalar(known, scale.input(1)) != null) {
      return scale.input(0);
    }
    return scale.opType().equals("Mul") && scalar(known, scale.input(0)) != null
        ? scale.input(1) : null;
  }

  /** The reader of {@code x} among {@code nodes} whose output is {@code out}, or null. */
  private static Node producer(List<Node> nodes, String out) {
    for (Node n : nodes) {
      if (n.outputs().size() == 1 && n.output(0).equals(out)) {
        return n;
      }
    }
    return null;
  }

  private static Node sole(String value, Map<String, Integer> uses,
      Map<String, List<Node>> readers) {
    List<Node> r = readers.get(value);
    return uses.getOrDefault(value, 0) == 1 && r != null && r.size() == 1 ? r.get(0) : null;
  }

  private static boolean isBinary(Node n, String op, String in) {
    return n != null && n.opType().equals(op) && n.inputs().size() == 2
        && n.input(0).equals(in) != n.input(1).equals(in);
  }

  private static String other(Node n, String in) {
    return n.input(0).equals(in) ? n.input(1) : n.input(0);
  }

  private static boolean isConst(Map<String, Tensor> known, String name, double v) {
    Double c = scalar(known, name);
    return c != null && c == v;
  }

  /** The value of a one-element float constant, or null. */
  private static Double scalar(Map<String, Tensor> known, String name) {
    Tensor t = known.get(name);
    if (t == null || !t.isFloat() || t.size() != 1 || t.shape().length > 1) {
      return null;
    }
    return (double) t.data().get(0);
  }
}

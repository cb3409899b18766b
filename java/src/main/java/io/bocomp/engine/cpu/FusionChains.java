package io.bocomp.engine.cpu;

import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fused chains of one plan ({@link Planner}'s fusion step), each run as one step at the
 * position of its last node:
 *
 * <ul>
 *   <li>a Conv followed by an Add of a same-shaped tensor (a residual);
 *   <li>a MatMul whose right operand has at most 2 dimensions followed by an Add that
 *       {@link GemmKernel#fusesAdd} accepts (a bias row, a scalar, or a same-shaped tensor);
 *   <li>then, after a Conv, Gemm or MatMul (with or without that Add), an activation node, or a
 *       Gelu written out as nodes ({@link GeluPattern}, not on the blocked layout);
 *   <li>a Gelu pattern on its own (no host): a {@link UnaryKernel} step.
 * </ul>
 *
 * Every intermediate value must have that single reader and not be wanted (the pattern's input,
 * which its Div and its Mul both read, excepted), and all nodes of a chain run on the same layout.
 */
final class FusionChains {
  /**
   * One chain: its nodes in graph order, the Add's other input ({@code residual}, or null), the
   * activation (or null), and whether it is a pattern with no host ({@code unary}).
   */
  record Chain(Node[] nodes, String residual, Activation act, boolean unary) {
    Node last() {
      return nodes[nodes.length - 1];
    }
  }

  private final Map<String, int[]> shapes;
  private final Map<String, Tensor> known;
  private final Map<String, Integer> uses;
  private final Map<String, Node> reader;
  private final BlockedPlan blocked;
  private final Map<String, Node[]> gelu;
  private final Map<Node, Chain> endingAt = new IdentityHashMap<>();
  private final Set<Node> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * @param uses how many run-time nodes (plus the wanted list) read each value
   * @param reader the (last) run-time reader of each value
   */
  FusionChains(List<Node> runtime, Map<String, int[]> shapes, Map<String, Tensor> known,
      Map<String, Integer> uses, Map<String, Node> reader, BlockedPlan blocked) {
    this.shapes = shapes;
    this.known = known;
    this.uses = uses;
    this.reader = reader;
    this.blocked = blocked;
    this.gelu = GeluPattern.find(runtime, shapes, known, uses);
    Map<Node, Node[]> geluStartingAt = new IdentityHashMap<>();
    for (Node[] p : gelu.values()) {
      geluStartingAt.put(p[0], p);
    }
    for (Node node : runtime) {
      if (absorbed.contains(node) || endingAt.containsKey(node)) {
        continue;
      }
      Chain c = chain(node);
      Node[] p = geluStartingAt.get(node);
      if (c == null && p != null) {
        if (onOneLayout(p, false)) {
          c = new Chain(p, null, geluActivation(), true);
        }
      }
      if (c != null) {
        endingAt.put(c.last(), c);
        for (int i = 0; i < c.nodes.length - 1; i++) {
          absorbed.add(c.nodes[i]);
        }
      }
    }
  }

  /** The chain whose last node is {@code n}, or null. */
  Chain endingAt(Node n) {
    return endingAt.get(n);
  }

  /** True if {@code n} runs inside a chain ending at a later node. */
  boolean absorbed(Node n) {
    return absorbed.contains(n);
  }

  private static Activation geluActivation() {
    return new Activation(Activation.Kind.GELU, 0, 0);
  }

  private Node soleReader(String value) {
    return uses.getOrDefault(value, 0) == 1 ? reader.get(value) : null;
  }

  private Chain chain(Node host) {
    String op = host.opType();
    if (!op.equals("Conv") && !op.equals("Gemm") && !op.equals("MatMul")) {
      return null;
    }
    List<Node> nodes = new ArrayList<>();
    nodes.add(host);
    String v = host.output(0);
    String residual = null;
    Node next = free(soleReader(v), host);
    if (next != null && next.opType().equals("Add") && next.inputs().size() == 2
        && next.input(0).equals(v) != next.input(1).equals(v)) {
      String other = next.input(0).equals(v) ? next.input(1) : next.input(0);
      Tensor k = known.get(other);
      boolean fuses = k == null || k.isFloat();
      if (op.equals("Conv")) {
        fuses &= Arrays.equals(shapes.get(other), shapes.get(v));
      } else {
        fuses &= op.equals("MatMul") && shapes.get(host.input(1)).length <= 2
            && GemmKernel.fusesAdd(shapes.get(v), shapes.get(other));
      }
      if (fuses) {
        nodes.add(next);
        residual = other;
        v = next.output(0);
        next = free(soleReader(v), host);
      }
    }
    Activation act = null;
    if (next != null && Activation.isActivation(next.opType()) && next.input(0).equals(v)
        && activationOf(next, known) != null) {
      nodes.add(next);
      act = activationOf(next, known);
    } else if (gelu.containsKey(v) && !blocked.isMember(host)
        && onOneLayout(gelu.get(v), false)) {
      nodes.addAll(List.of(gelu.get(v)));
      act = geluActivation();
    }
    return nodes.size() > 1 ? new Chain(nodes.toArray(new Node[0]), residual, act, false) : null;
  }

  /** The node, unless another chain already took it or it runs on another layout. */
  private Node free(Node n, Node host) {
    return n == null || absorbed.contains(n) || endingAt.containsKey(n)
        || blocked.isMember(n) != blocked.isMember(host) ? null : n;
  }

  private boolean onOneLayout(Node[] nodes, boolean member) {
    for (Node n : nodes) {
      if (blocked.isMember(n) != member || absorbed.contains(n) || endingAt.containsKey(n)) {
        return false;
      }
    }
    return true;
  }

  /** The activation a node computes, or null when its parameters are not constants. */
  static Activation activationOf(Node node, Map<String, Tensor> known) {
    Tensor[] in = new Tensor[node.inputs().size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = node.input(i).isEmpty() ? null : known.get(node.input(i));
    }
    try {
      return Activation.of(node, in);
    } catch (UnsupportedOperatorException e) {
      return null;
    }
  }
}

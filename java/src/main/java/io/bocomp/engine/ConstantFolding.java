package io.bocomp.engine;

import io.bocomp.engine.cpu.NodeEvaluator;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.op.OpsetForms;
import io.bocomp.model.op.SliceRanges;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph pass that removes work a model does not need at run time, returning a new graph (the
 * input graph is never modified; weight tensors are shared):
 *
 * <ol>
 *   <li>every node whose inputs are all constants (initializers, Constant nodes, values already
 *       folded) is evaluated with the CPU kernels and its outputs become initializers;
 *   <li>Shape of a value whose shape is statically known becomes a constant;
 *   <li>a Reshape whose target shape is computed from the shape of its own input, such as
 *       PyTorch's flatten idiom {@code Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1]))},
 *       gets the constant target {@code [0, -1]}: each target element that is dimension
 *       {@code j} of {@code x} at position {@code j} becomes 0 ("copy"), so no int64 subgraph
 *       runs per call and the batch dimension still passes through;
 *   <li>nodes whose outputs nothing reads, and initializers nothing reads, are dropped.
 * </ol>
 *
 * Limits: only elements traced through Shape, Gather (axis 0), Slice (constant parameters),
 * Unsqueeze, Squeeze, Cast, Concat and Identity are recognized in Reshape targets; a target
 * mixing in other arithmetic on dimensions is left alone (the engine still evaluates it once per
 * input shape).
 */
public final class ConstantFolding {
  private ConstantFolding() {}

  /** The folded graph (see the class comment), in canonical form ({@link OpsetForms}). */
  public static Graph fold(Graph graph, long opset) {
    return new Pass(OpsetForms.canonical(graph, opset), OpsetForms.canonicalOpset(opset)).run();
  }

  /** One element of an int64 vector traced symbolically: a value, or dimension {@code dim} of {@code of}. */
  private static final class Elem {
    final long value;
    final String of;
    final int dim;

    Elem(long value) {
      this.value = value;
      this.of = null;
      this.dim = -1;
    }

    Elem(String of, int dim) {
      this.value = 0;
      this.of = of;
      this.dim = dim;
    }
  }

  private static final class Pass {
    private final Graph graph;
    private final long opset;
    private final Graph inferred;
    private final Map<String, Tensor> known = new HashMap<>();
    private final Map<String, Elem[]> symbolic = new HashMap<>();
    private final Set<String> names = new HashSet<>();

    Pass(Graph graph, long opset) {
      this.graph = graph;
      this.opset = opset;
      this.inferred = ShapeInference.infer(graph, opset);
      known.putAll(graph.initializers());
      graph.inputs().forEach(v -> names.add(v.name()));
      names.addAll(graph.initializers().keySet());
      for (Node n : graph.nodes()) {
        names.addAll(n.outputs());
      }
    }

    Graph run() {
      List<Node> kept = new ArrayList<>();
      Map<String, Tensor> added = new LinkedHashMap<>();
      for (Node node : graph.nodes()) {
        if (foldShape(node) || foldConstant(node)) {
          for (String o : node.outputs()) {
            if (!o.isEmpty() && known.containsKey(o)) {
              added.put(o, known.get(o));
            }
          }
          continue;
        }
        Node rewritten = rewriteReshape(node, added);
        kept.add(rewritten);
        trace(rewritten);
      }
      return rebuild(kept, added);
    }

    private boolean foldShape(Node node) {
      if (!(node.opType().equals("Shape") || node.opType().equals("Size"))
          || !node.domain().isEmpty()) {
        return false;
      }
      int[] s = inferred.valueInfo(node.input(0)).map(ValueInfo::shape).orElse(null);
      if (s == null || Arrays.stream(s).anyMatch(d -> d < 0)) {
        return false;
      }
      known.put(node.output(0), NodeEvaluator.shapeOf(node, s));
      return true;
    }

    private boolean foldConstant(Node node) {
      if (node.inputs().isEmpty() && !node.opType().equals("Constant")) {
        return false;
      }
      Tensor[] in = new Tensor[node.inputs().size()];
      for (int i = 0; i < in.length; i++) {
        String name = node.input(i);
        if (name.isEmpty()) {
          continue;
        }
        in[i] = known.get(name);
        if (in[i] == null) {
          return false;
        }
      }
      Tensor[] out = NodeEvaluator.evaluate(node, in, opset);
      for (int i = 0; i < out.length && i < node.outputs().size(); i++) {
        if (!node.output(i).isEmpty()) {
          known.put(node.output(i), out[i]);
        }
      }
      return true;
    }

    private Node rewriteReshape(Node node, Map<String, Tensor> added) {
      if (!node.opType().equals("Reshape") || node.input(1).isEmpty()
          || known.containsKey(node.input(1)) || node.intAttr("allowzero", 0) != 0) {
        return node;
      }
      Elem[] target = symbolic.get(node.input(1));
      if (target == null) {
        return node;
      }
      String x = node.input(0);
      long[] v = new long[target.length];
      for (int j = 0; j < target.length; j++) {
        Elem e = target[j];
        if (e.of == null) {
          v[j] = e.value;
        } else if (e.of.equals(x) && e.dim == j) {
          v[j] = 0;
        } else {
          return node;
        }
      }
      String name = fresh(node.output(0) + "_shape");
      Tensor t = Tensor.ofLongs(new int[] {v.length}, v);
      known.put(name, t);
      added.put(name, t);
      return node.toBuilder().inputs(x, name).build();
    }

    private String fresh(String base) {
      String n = base;
      for (int i = 1; names.contains(n); i++) {
        n = base + "_" + i;
      }
      names.add(n);
      return n;
    }

    /** Records the symbolic int64 value of a kept node's output, where one can be traced. */
    private void trace(Node node) {
      Elem[] r = null;
      switch (node.opType()) {
        case "Shape": {
          int[] s = inferred.valueInfo(node.input(0)).map(ValueInfo::shape).orElse(null);
          if (s == null) {
            break;
          }
          long start = node.intAttr("start", 0);
          long end = node.intAttr("end", s.length);
          int a = (int) Math.max(0, Math.min(s.length, start < 0 ? start + s.length : start));
          int b = (int) Math.max(0, Math.min(s.length, end < 0 ? end + s.length : end));
          r = new Elem[Math.max(0, b - a)];
          for (int i = 0; i < r.length; i++) {
            int d = s[a + i];
            r[i] = d >= 0 ? new Elem(d) : new Elem(node.input(0), a + i);
          }
          break;
        }
        case "Gather": {
          Elem[] data = elems(node.input(0));
          Tensor idx = known.get(node.input(1));
          if (data != null && idx != null && !idx.isFloat() && idx.rank() <= 1
              && node.intAttr("axis", 0) == 0) {
            long[] ix = idx.toLongArray();
            r = new Elem[ix.length];
            for (int i = 0; i < ix.length; i++) {
              long j = ix[i] < 0 ? ix[i] + data.length : ix[i];
              if (j < 0 || j >= data.length) {
                return;
              }
              r[i] = data[(int) j];
            }
          }
          break;
        }
        case "Unsqueeze": case "Squeeze": case "Identity":
          r = elems(node.input(0));
          break;
        case "Cast":
          r = elems(node.input(0));
          break;
        case "Slice": {
          Elem[] data = elems(node.input(0));
          if (data != null) {
            r = slice(node, data);
          }
          break;
        }
        case "Concat": {
          List<Elem> all = new ArrayList<>();
          for (String in : node.inputs()) {
            Elem[] e = in.isEmpty() ? new Elem[0] : elems(in);
            if (e == null) {
              return;
            }
            all.addAll(Arrays.asList(e));
          }
          r = all.toArray(new Elem[0]);
          break;
        }
        default:
          break;
      }
      if (r != null) {
        symbolic.put(node.output(0), r);
      }
    }

    /** Slice of traced elements with constant parameters, or null. */
    private Elem[] slice(Node node, Elem[] data) {
      Tensor[] consts = new Tensor[node.inputs().size()];
      for (int i = 1; i < consts.length; i++) {
        if (node.input(i).isEmpty()) {
          continue;
        }
        consts[i] = known.get(node.input(i));
        if (consts[i] == null || consts[i].isFloat()) {
          return null;
        }
      }
      SliceRanges r;
      try {
        r = SliceRanges.of(node, new int[] {data.length}, consts);
      } catch (RuntimeException e) {
        return null;
      }
      Elem[] out = new Elem[r.count()[0]];
      for (int i = 0; i < out.length; i++) {
        out[i] = data[r.start()[0] + i * r.step()[0]];
      }
      return out;
    }

    /** The traced elements of a value: symbolic, or a known int64 tensor of rank <= 1. */
    private Elem[] elems(String name) {
      Elem[] s = symbolic.get(name);
      if (s != null) {
        return s;
      }
      Tensor t = known.get(name);
      if (t == null || t.isFloat() || t.rank() > 1) {
        return null;
      }
      long[] v = t.toLongArray();
      Elem[] r = new Elem[v.length];
      for (int i = 0; i < v.length; i++) {
        r[i] = new Elem(v[i]);
      }
      return r;
    }

    private Graph rebuild(List<Node> kept, Map<String, Tensor> added) {
      Set<String> live = new HashSet<>();
      graph.outputs().forEach(v -> live.add(v.name()));
      List<Node> reversed = new ArrayList<>();
      for (int i = kept.size() - 1; i >= 0; i--) {
        Node n = kept.get(i);
        boolean used = n.outputs().stream().anyMatch(live::contains);
        if (used) {
          reversed.add(n);
          for (String in : n.inputs()) {
            if (!in.isEmpty()) {
              live.add(in);
            }
          }
        }
      }
      Graph.Builder b = graph.toBuilder();
      b.nodes().clear();
      for (int i = reversed.size() - 1; i >= 0; i--) {
        b.addNode(reversed.get(i));
      }
      b.initializers().clear();
      Set<String> produced = new HashSet<>();
      for (Node n : b.nodes()) {
        produced.addAll(n.outputs());
      }
      for (Map.Entry<String, Tensor> e : graph.initializers().entrySet()) {
        if (live.contains(e.getKey())) {
          b.initializer(e.getKey(), e.getValue());
        }
      }
      for (Map.Entry<String, Tensor> e : added.entrySet()) {
        if (live.contains(e.getKey())) {
          b.initializer(e.getKey(), e.getValue());
        }
      }
      b.valueInfos().keySet().removeIf(k -> !produced.contains(k));
      return b.build();
    }
  }
}

package io.bocomp.model;

import io.bocomp.model.op.LayoutShapes;
import io.bocomp.model.op.OpTable;
import io.bocomp.model.op.SliceRanges;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whole-graph shape inference ({@link ShapeInference#infer}): walks the nodes in order, infers
 * every output's shape and element type, and propagates the statically known elements of small
 * int64 values (Shape of a partly known shape, then Gather, Unsqueeze, Squeeze, Concat, Identity
 * and int64 arithmetic), as ONNX's data propagation does, so Reshape targets built from shapes
 * resolve where they can. Unknown elements are {@link ShapeInference#UNKNOWN_VALUE}.
 *
 * <p>Shapes already annotated in the graph (value_info, outputs) fill dimensions that inference
 * leaves unknown; a known dimension that contradicts an annotation is an error naming the node.
 */
final class GraphShapePass {
  private static final int MAX_PARTIAL = 64;

  private final Graph graph;
  private final Map<String, int[]> shapes = new HashMap<>();
  private final Map<String, Integer> types = new HashMap<>();
  private final Map<String, Tensor> values = new HashMap<>();

  /** @param graph a graph in canonical form ({@link io.bocomp.model.op.OpsetForms}) */
  GraphShapePass(Graph graph) {
    this.graph = graph;
  }

  Graph run() {
    for (ValueInfo v : graph.inputs()) {
      shapes.put(v.name(), v.shape());
      types.put(v.name(), v.elemType());
    }
    for (Map.Entry<String, Tensor> e : graph.initializers().entrySet()) {
      Tensor t = e.getValue();
      shapes.put(e.getKey(), t.shape());
      types.put(e.getKey(), t.elemType());
      values.put(e.getKey(), t);
    }
    Graph.Builder b = graph.toBuilder();
    for (Node node : graph.nodes()) {
      int n = node.inputs().size();
      int[][] inShapes = new int[n][];
      Tensor[] consts = new Tensor[n];
      for (int i = 0; i < n; i++) {
        String name = node.input(i);
        if (name.isEmpty()) {
          continue;
        }
        inShapes[i] = shapes.containsKey(name) ? shapes.get(name)
            : graph.valueInfo(name).map(ValueInfo::shape).orElse(null);
        consts[i] = values.get(name);
      }
      int[][] outShapes = ShapeInference.outputShapes(node, inShapes, consts);
      int[] inTypes = new int[n];
      for (int i = 0; i < n; i++) {
        inTypes[i] = node.input(i).isEmpty() ? 0 : inType(node, i);
      }
      for (int o = 0; o < node.outputs().size(); o++) {
        String name = node.output(o);
        if (name.isEmpty()) {
          continue;
        }
        int[] s = merge(node, name, o < outShapes.length ? outShapes[o] : null);
        shapes.put(name, s);
        types.put(name, OpTable.schema(node).outputType(node, inTypes, o));
        ValueInfo old = graph.valueInfo(name).orElse(null);
        ValueInfo vi = old == null ? new ValueInfo(name, types.get(name), s, null)
            : new ValueInfo(name, types.get(name), s, dimParams(old));
        b.valueInfo(vi);
        replaceOutput(b.outputs(), vi);
      }
      propagateValue(node, inShapes, consts);
    }
    return b.build();
  }

  private static String[] dimParams(ValueInfo v) {
    int[] s = v.shape();
    if (s == null) {
      return null;
    }
    String[] p = new String[s.length];
    for (int i = 0; i < s.length; i++) {
      p[i] = v.dimParam(i);
    }
    return p;
  }

  private static void replaceOutput(List<ValueInfo> outputs, ValueInfo vi) {
    for (int i = 0; i < outputs.size(); i++) {
      if (outputs.get(i).name().equals(vi.name())) {
        outputs.set(i, vi);
      }
    }
  }

  private int[] merge(Node node, String name, int[] inferred) {
    int[] annotated = graph.valueInfo(name).map(ValueInfo::shape).orElse(null);
    if (inferred == null) {
      return annotated;
    }
    if (annotated == null || annotated.length != inferred.length) {
      return inferred;
    }
    int[] out = inferred.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] < 0) {
        out[i] = annotated[i];
      } else if (annotated[i] >= 0 && annotated[i] != out[i]) {
        throw new ModelFormatException(node.label() + ": output '" + name + "' is declared "
            + Arrays.toString(annotated) + " but computes to " + Arrays.toString(inferred));
      }
    }
    return out;
  }

  private int inType(Node node, int i) {
    Integer t = types.get(node.input(i));
    if (t == null || t == 0) {
      t = graph.valueInfo(node.input(i)).map(ValueInfo::elemType).orElse(ValueInfo.ELEM_FLOAT);
    }
    return t == 0 ? ValueInfo.ELEM_FLOAT : t;
  }

  /** Records the (partially) known int64 value of the node's output, when one follows. */
  private void propagateValue(Node node, int[][] inShapes, Tensor[] in) {
    String out = node.output(0);
    Tensor v = null;
    switch (node.opType()) {
      case "Constant":
        v = ShapeInference.constantValue(node);
        break;
      case "Shape":
        if (inShapes[0] != null) {
          int[] range = LayoutShapes.shapeRange(node, inShapes[0].length);
          long[] d = new long[range[1] - range[0]];
          for (int i = 0; i < d.length; i++) {
            int s = inShapes[0][range[0] + i];
            d[i] = s < 0 ? ShapeInference.UNKNOWN_VALUE : s;
          }
          v = Tensor.ofLongs(new int[] {d.length}, d);
        }
        break;
      case "Size":
        if (inShapes[0] != null && fullyKnown(inShapes[0])) {
          long n = 1;
          for (int d : inShapes[0]) {
            n *= d;
          }
          v = Tensor.ofLongs(new int[0], new long[] {n});
        }
        break;
      case "Identity": case "Unsqueeze": case "Squeeze": case "Reshape": case "Flatten":
        if (isInt(in[0]) && shapes.get(out) != null && fullyKnown(shapes.get(out))) {
          v = Tensor.ofLongs(shapes.get(out), in[0].toLongArray());
        }
        break;
      case "Gather":
        v = gather(node, in);
        break;
      case "Slice":
        v = slice(node, in);
        break;
      case "Cast":
        // integer to integer keeps the values (the shape vectors exporters cast to int32)
        if (isInt(in[0]) && ElemType.isInteger(types.getOrDefault(out, 0))) {
          v = in[0];
        }
        break;
      case "Concat":
        v = concat(node, in);
        break;
      case "Add": case "Sub": case "Mul": case "Div":
        v = arithmetic(node.opType(), in);
        break;
      default:
        break;
    }
    if (v != null && v.size() <= MAX_PARTIAL && !out.isEmpty()) {
      values.put(out, v);
    }
  }

  private static boolean isInt(Tensor t) {
    return t != null && !t.isFloat();
  }

  private static boolean fullyKnown(int[] s) {
    for (int d : s) {
      if (d < 0) {
        return false;
      }
    }
    return true;
  }

  private static Tensor gather(Node node, Tensor[] in) {
    if (!isInt(in[0]) || in[0].rank() != 1 || in.length < 2 || !isInt(in[1])) {
      return null;
    }
    long[] data = in[0].toLongArray();
    long[] idx = in[1].toLongArray();
    long[] r = new long[idx.length];
    for (int i = 0; i < idx.length; i++) {
      long j = idx[i] < 0 ? idx[i] + data.length : idx[i];
      if (j < 0 || j >= data.length) {
        throw new ModelFormatException(node.label() + ": index " + idx[i] + " out of range for "
            + data.length + " elements");
      }
      r[i] = data[(int) j];
    }
    return Tensor.ofLongs(in[1].shape(), r);
  }

  /** Slice of a (partially known) 1-D int64 value with constant starts, ends, axes, steps. */
  private static Tensor slice(Node node, Tensor[] in) {
    if (!isInt(in[0]) || in[0].rank() != 1) {
      return null;
    }
    for (int i = 1; i < in.length; i++) {
      if (!node.input(i).isEmpty() && (in[i] == null || in[i].isFloat())) {
        return null;
      }
    }
    SliceRanges r;
    try {
      r = SliceRanges.of(node, in[0].shape(), in);
    } catch (UnsupportedOperatorException e) {
      return null; // the engine names the problem when it plans the graph
    }
    long[] data = in[0].toLongArray();
    long[] out = new long[r.count()[0]];
    for (int i = 0; i < out.length; i++) {
      out[i] = data[r.start()[0] + i * r.step()[0]];
    }
    return Tensor.ofLongs(new int[] {out.length}, out);
  }

  private static Tensor concat(Node node, Tensor[] in) {
    int total = 0;
    for (int i = 0; i < in.length; i++) {
      if (node.input(i).isEmpty()) {
        continue;
      }
      if (!isInt(in[i]) || in[i].rank() != 1) {
        return null;
      }
      total += in[i].size();
    }
    long[] r = new long[total];
    int k = 0;
    for (int i = 0; i < in.length; i++) {
      if (!node.input(i).isEmpty()) {
        for (long x : in[i].toLongArray()) {
          r[k++] = x;
        }
      }
    }
    return Tensor.ofLongs(new int[] {total}, r);
  }

  private static Tensor arithmetic(String op, Tensor[] in) {
    if (in.length < 2 || !isInt(in[0]) || !isInt(in[1])) {
      return null;
    }
    Tensor a = in[0];
    Tensor b = in[1];
    if (a.rank() > 1 || b.rank() > 1 || (a.size() != b.size() && a.size() != 1 && b.size() != 1)) {
      return null;
    }
    Tensor shapeOf = a.rank() >= b.rank() && a.size() >= b.size() ? a : b;
    long[] r = new long[Math.max(a.size(), b.size())];
    for (int i = 0; i < r.length; i++) {
      long x = a.getLong(a.size() == 1 ? 0 : i);
      long y = b.getLong(b.size() == 1 ? 0 : i);
      if (x == ShapeInference.UNKNOWN_VALUE || y == ShapeInference.UNKNOWN_VALUE
          || (op.equals("Div") && y == 0)) {
        r[i] = ShapeInference.UNKNOWN_VALUE;
        continue;
      }
      switch (op) {
        case "Add": r[i] = x + y; break;
        case "Sub": r[i] = x - y; break;
        case "Mul": r[i] = x * y; break;
        default: r[i] = x / y; break; // C-style truncation, as ONNX Runtime
      }
    }
    return Tensor.ofLongs(shapeOf.shape(), r);
  }
}

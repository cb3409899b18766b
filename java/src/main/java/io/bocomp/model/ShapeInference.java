package io.bocomp.model;

import io.bocomp.model.op.OpInputs;
import io.bocomp.model.op.OpSchema;
import io.bocomp.model.op.OpTable;
import io.bocomp.model.op.OpsetForms;
import java.util.Arrays;
import java.util.Set;

/**
 * Static shape inference, a facade over the op table ({@link OpTable}: each op's shape rule is
 * written once, in its {@link io.bocomp.model.op.OpSchema}). Used at import (to annotate value
 * infos and fold shape subgraphs), by {@code inspect} (per-layer shapes and MACs) and by the
 * engine (output buffer shapes at plan time, where every dimension is known).
 *
 * <p>Nodes are read in their canonical form ({@link OpsetForms}); {@link #infer(Graph, long)}
 * normalizes a graph of an older opset first. Unknown dimensions are -1 and propagate; a null
 * shape means even the rank is unknown. An int64 constant input may hold {@link #UNKNOWN_VALUE}
 * for an element that is not known statically (partial data from {@link #infer}); Reshape then
 * makes that dimension unknown. Ops outside the table, or nodes outside the default domain, are
 * rejected.
 */
public final class ShapeInference {
  /** Marks an element of an int64 value that is not known statically. */
  public static final long UNKNOWN_VALUE = Long.MIN_VALUE;

  private ShapeInference() {}

  /** The op types shape inference knows: {@link OpTable#names()}. */
  public static Set<String> supportedOps() {
    return OpTable.names();
  }

  /**
   * Output shapes of one node in canonical form.
   *
   * @param node the node
   * @param inputShapes shape of each input; a dimension of -1 is unknown (e.g. a symbolic batch);
   *     null for an absent optional input or an unknown rank
   * @param constInputs the value of each input when it is a constant (initializer or folded), else null
   * @return one shape per output (-1 where unknown; null where even the rank is unknown)
   * @throws UnsupportedOperatorException for ops outside the table
   * @throws ModelFormatException for inconsistent shapes, naming the node
   */
  public static int[][] outputShapes(Node node, int[][] inputShapes, Tensor[] constInputs) {
    OpSchema schema = OpTable.schema(node);
    try {
      return schema.outputShapes(node, new OpInputs(node, inputShapes, constInputs));
    } catch (ModelFormatException e) {
      if (e.getMessage() != null && e.getMessage().contains("'" + node.name() + "'")) {
        throw e;
      }
      throw new ModelFormatException(node.label() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The value a Constant node produces, from whichever of its value attributes is set (value,
   * value_float(s), value_int(s)).
   *
   * @throws UnsupportedOperatorException for sparse or string constants
   */
  public static Tensor constantValue(Node node) {
    Attribute a;
    if ((a = node.attribute("value")) != null) {
      return a.asTensor();
    }
    if ((a = node.attribute("value_float")) != null) {
      return Tensor.scalar(a.asFloat());
    }
    if ((a = node.attribute("value_floats")) != null) {
      float[] v = a.asFloats();
      return Tensor.of(new int[] {v.length}, v);
    }
    if ((a = node.attribute("value_int")) != null) {
      return Tensor.ofLongs(new int[0], new long[] {a.asInt()});
    }
    if ((a = node.attribute("value_ints")) != null) {
      long[] v = a.asInts();
      return Tensor.ofLongs(new int[] {v.length}, v);
    }
    throw new UnsupportedOperatorException(node.label()
        + ": only tensor, float(s) and int(s) constants are supported (not sparse or string)");
  }

  /**
   * A copy of the graph, in canonical form ({@link OpsetForms#canonical(Graph, long)}: for an opset
   * below {@value OpsetForms#CANONICAL_OPSET} some nodes may be rewritten), whose value infos hold
   * the inferred shape and element type of every value.
   */
  public static Graph infer(Graph graph, long opset) {
    return new GraphShapePass(OpsetForms.canonical(graph, opset)).run();
  }

  /** Product of dims from..to-1, or -1 if any is unknown. */
  public static int product(int[] s, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      if (s[i] < 0) {
        return -1;
      }
      p *= s[i];
    }
    if (p > Integer.MAX_VALUE) {
      throw new ModelFormatException("tensor too large: shape " + Arrays.toString(s));
    }
    return (int) p;
  }

  /**
   * Normalizes a possibly negative axis against a rank.
   *
   * @throws ModelFormatException naming the node when the axis is out of range
   */
  public static int axisOf(Node node, long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new ModelFormatException(node.label() + ": axis " + axis + " is out of range for rank "
          + rank);
    }
    return (int) a;
  }
}

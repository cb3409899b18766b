package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;

/**
 * What shape inference knows of one node's inputs: each input's shape (-1 for an unknown dimension,
 * null for an unknown rank or an absent optional input) and, where it is a constant (initializer
 * or a value folded at plan time), its value. Checks name the node.
 */
public final class OpInputs {
  private final Node node;
  private final int[][] shapes;
  private final Tensor[] consts;

  public OpInputs(Node node, int[][] shapes, Tensor[] consts) {
    this.node = node;
    this.shapes = shapes == null ? new int[0][] : shapes;
    this.consts = consts == null ? new Tensor[0] : consts;
  }

  public Node node() {
    return node;
  }

  /** Number of input slots the node has (present or not). */
  public int count() {
    return node.inputs().size();
  }

  /** True if input i is given (not an omitted optional input). */
  public boolean present(int i) {
    return i < node.inputs().size() && !node.input(i).isEmpty();
  }

  /** True if input i's shape (at least its rank) is known. */
  public boolean known(int i) {
    return present(i) && i < shapes.length && shapes[i] != null;
  }

  /** Shape of input i, or null when unknown or absent. */
  public int[] shape(int i) {
    return known(i) ? shapes[i] : null;
  }

  /** Constant value of input i, or null. */
  public Tensor constant(int i) {
    return present(i) && i < consts.length ? consts[i] : null;
  }

  /**
   * The int64 (or float, truncated) values of a 1-D or scalar constant input i; null when the
   * input is absent; {@code unknown} when it is present but not known.
   */
  public long[] longs(int i, long[] unknown) {
    if (!present(i)) {
      return null;
    }
    Tensor t = constant(i);
    if (t == null) {
      return unknown;
    }
    if (t.rank() > 1) {
      throw new ModelFormatException(node.label() + ": input " + i + " ('" + node.input(i)
          + "') must be a scalar or 1-D, got shape " + java.util.Arrays.toString(t.shape()));
    }
    return t.toLongArray();
  }
}

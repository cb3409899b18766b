package io.bocomp.cuda;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;

/**
 * One graph node compiled for the GPU executable. Made from the node and the graph's host
 * initializers (attributes validated, derived constants such as folded BatchNorm coefficients
 * computed on the host); {@link #bind} then puts those constants on the device. Shapes are
 * resolved per run ({@link #outputShape}), so one compiled graph serves any batch size.
 *
 * <p>{@link #enqueue} receives a device tensor for every node input (initializers come from the
 * executable's resident weights; empty optional inputs and int64 constants are null) and the output
 * slot the executable planned, and only enqueues work on the lane's stream.
 */
abstract class GpuOp {
  protected final Node node;

  GpuOp(Node node) {
    this.node = node;
  }

  Node node() {
    return node;
  }

  /** Output shape for these input shapes (null for empty optional inputs). */
  abstract int[] outputShape(int[][] in);

  /** Floats of scratch memory the op needs at its step. */
  long scratchFloats(int[][] in, int[] out) {
    return 0;
  }

  /** True when the output is input 0's memory under another shape (no kernel). */
  boolean isView() {
    return false;
  }

  /** Uploads derived constants; called once when the executable is made. */
  void bind() {}

  /** Frees what {@link #bind} allocated. */
  void release() {}

  /** Enqueues the computation on the lane; {@code scratch} is a device address or 0. */
  abstract void enqueue(Lane lane, DeviceTensor[] in, DeviceTensor out, long scratch);

  ModelFormatException bad(String message) {
    return new ModelFormatException(node.label() + ": " + message);
  }

  UnsupportedOperatorException unsupported(String message) {
    return new UnsupportedOperatorException(node.label() + ": the GPU backend " + message);
  }

  /** A float initializer input, or an error naming the node. */
  static Tensor constantInput(Node node, io.bocomp.model.Graph graph, int index, String role) {
    String name = node.input(index);
    Tensor t = name.isEmpty() ? null : graph.initializer(name);
    if (t == null || !t.isFloat()) {
      throw new UnsupportedOperatorException(node.label() + ": the GPU backend needs " + role
          + " (input " + index + ") as a float initializer");
    }
    return t;
  }

  static int[] requireRank(GpuOp op, int[] shape, int rank, String what) {
    if (shape == null || shape.length != rank) {
      throw op.bad(what + " must have rank " + rank + ", got "
          + (shape == null ? "none" : java.util.Arrays.toString(shape)));
    }
    return shape;
  }

  static long product(int[] shape, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      p *= shape[i];
    }
    return p;
  }
}

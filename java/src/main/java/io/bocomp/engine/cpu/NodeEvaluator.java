package io.bocomp.engine.cpu;

import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.op.OpSchema;
import io.bocomp.model.op.OpTable;
import java.nio.FloatBuffer;

/**
 * Evaluates one node on concrete tensors, allocating its outputs: float ops through the CPU
 * kernels; int64 shape arithmetic exactly where an int64 form exists (Shape, Gather, Concat,
 * Transpose, the views, and the element-wise ops of {@link Int64Elementwise}), otherwise through the same kernels on float-coded
 * values when every integer fits in float32 exactly (|v| <= 2^24); outputs carry the ONNX
 * element type of the op's type rule (integer types as int64 data). Constant folding uses it at import and compile time, and the executor uses it at plan
 * time for values that depend only on shapes. Not for hot paths: every call allocates.
 */
public final class NodeEvaluator {
  private static final WorkerPool SERIAL = new WorkerPool(1);

  private NodeEvaluator() {}

  /**
   * The outputs of {@code node} given all of its inputs (null for omitted optional inputs).
   *
   * @throws UnsupportedOperatorException for ops or operand types the engine does not run
   * @throws ModelFormatException for inconsistent shapes or attributes, naming the node
   */
  public static Tensor[] evaluate(Node node, Tensor[] inputs, long opset) {
    return evaluate(node, inputs, opset, SERIAL);
  }

  /** What a Shape (start/end applied) or Size node outputs for an input of the given shape. */
  public static Tensor shapeOf(Node node, int[] shape) {
    return LayoutKernels.shapeFunction(node, shape);
  }

  static Tensor[] evaluate(Node node, Tensor[] inputs, long opset, WorkerPool pool) {
    CpuKernels.requireSupported(node);
    String op = node.opType();
    int n = node.inputs().size();
    Tensor[] in = new Tensor[n];
    int[][] shapes = new int[n][];
    int[] inTypes = new int[n];
    for (int i = 0; i < n && i < inputs.length; i++) {
      in[i] = node.input(i).isEmpty() ? null : inputs[i];
      shapes[i] = in[i] == null ? null : in[i].shape();
      inTypes[i] = in[i] == null ? 0 : in[i].elemType();
    }
    if (op.equals("Constant")) {
      return new Tensor[] {ShapeInference.constantValue(node)};
    }
    requireInputs(node, in);
    if (LayoutKernels.isShapeFunction(op)) {
      return new Tensor[] {LayoutKernels.shapeFunction(node, in[0].shape())};
    }
    if (op.equals("Dropout") && node.outputs().size() > 1 && !node.output(1).isEmpty()) {
      throw new UnsupportedOperatorException(node.label() + ": Dropout's mask output is not"
          + " supported");
    }
    int[][] outShapes = ShapeInference.outputShapes(node, shapes, in);
    OpSchema schema = OpTable.schema(node);
    int[] outTypes = new int[node.outputs().size()];
    for (int o = 0; o < outTypes.length; o++) {
      outTypes[o] = schema.outputType(node, inTypes, o);
    }
    if (CpuKernels.isView(op)) {
      return new Tensor[] {in[0].reshape(outShapes[0]).withElemType(outTypes[0])};
    }
    boolean anyInt = false;
    for (int i = 0; i < n; i++) {
      anyInt |= in[i] != null && !in[i].isFloat() && !schema.valueDecidesShape(i);
    }
    if (anyInt && Int64Elementwise.handles(node) && allInt64(node, in)) {
      return new Tensor[] {Int64Elementwise.evaluate(node, in, outTypes[0])};
    }
    if (anyInt && hasExactInt64Form(node, in)) {
      return new Tensor[] {evaluateInt64(node, in, outShapes[0]).withElemType(outTypes[0])};
    }
    if (anyInt) {
      // float-coded: integers are exact in float32 up to 2^24
      for (int i = 0; i < n; i++) {
        if (in[i] != null && !in[i].isFloat() && !schema.valueDecidesShape(i)) {
          requireFloatExact(node, in[i]);
          in[i] = Planner.floatCopy(in[i]);
        }
      }
    }
    Kernel kernel = CpuKernels.create(new KernelSpec(node, opset, shapes, in, outShapes, null,
        false, inTypes, outTypes), pool.threads());
    FloatBuffer[] inBufs = new FloatBuffer[n];
    for (int i = 0; i < n; i++) {
      inBufs[i] = in[i] != null && in[i].isFloat() ? in[i].data() : null;
    }
    int written = Math.min(outShapes.length, Math.max(1, kernel.outputs()));
    Tensor[] out = new Tensor[written];
    FloatBuffer[] outBufs = new FloatBuffer[written];
    for (int o = 0; o < written; o++) {
      if (o == 0 || !node.output(o).isEmpty()) {
        out[o] = Tensor.zeros(outShapes[o]);
        outBufs[o] = out[o].data();
      }
    }
    kernel.run(inBufs, outBufs, pool);
    for (int o = 0; o < written; o++) {
      if (out[o] != null) {
        out[o] = ElemType.isInteger(outTypes[o]) ? toLongs(out[o]).withElemType(outTypes[o])
            : out[o].withElemType(outTypes[o]);
      }
    }
    return out;
  }

  /** True if every present input is int64 data (Where: its branches and its condition). */
  private static boolean allInt64(Node node, Tensor[] in) {
    for (int i = 0; i < in.length; i++) {
      if (in[i] != null && in[i].isFloat()) {
        return false;
      }
    }
    return true;
  }

  /** True for the ops with an exact int64 form ({@link #evaluateInt64}) on these inputs. */
  private static boolean hasExactInt64Form(Node node, Tensor[] in) {
    switch (node.opType()) {
      case "Gather":
      case "Transpose":
        return !in[0].isFloat();
      case "Concat":
        for (Tensor t : in) {
          if (t != null && t.isFloat()) {
            return false;
          }
        }
        return true;
      default:
        return false;
    }
  }

  private static void requireFloatExact(Node node, Tensor t) {
    for (long v : t.toLongArray()) {
      if (v > (1L << 24) || v < -(1L << 24)) {
        throw new UnsupportedOperatorException(node.label() + ": " + node.opType() + " on"
            + " integer values beyond 2^24 (here " + v + ") is not supported");
      }
    }
  }

  private static Tensor toLongs(Tensor t) {
    long[] v = new long[t.size()];
    FloatBuffer b = t.data();
    for (int i = 0; i < v.length; i++) {
      v[i] = (long) b.get(i);
    }
    return Tensor.ofLongs(t.shape(), v);
  }

  private static void requireInputs(Node node, Tensor[] in) {
    if (in.length == 0 || in[0] == null) {
      throw new ModelFormatException(node.label() + " has no data input");
    }
  }

  private static Tensor evaluateInt64(Node node, Tensor[] in, int[] outShape) {
    switch (node.opType()) {
      case "Gather":
        return LayoutKernels.gatherInt64(node, in[0], in[1]);
      case "Concat":
        for (Tensor t : in) {
          if (t != null && t.isFloat()) {
            throw new ModelFormatException(node.label() + ": inputs mix float and int64");
          }
        }
        return LayoutKernels.concatInt64(node, in, outShape);
      case "Transpose":
        return LayoutKernels.transposeInt64(node, in[0]);
      default:
        throw new UnsupportedOperatorException(node.label() + ": " + node.opType()
            + " on int64 data is not supported");
    }
  }
}

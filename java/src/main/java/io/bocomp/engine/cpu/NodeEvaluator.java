package io.bocomp.engine.cpu;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.nio.FloatBuffer;

/**
 * Evaluates one node on concrete tensors, allocating its outputs: float ops through the CPU
 * kernels, int64 shape arithmetic (Shape, Gather, Concat, Transpose, the views, Add/Sub/Mul/Div)
 * directly. Constant folding uses it at import and compile time, and the executor uses it at plan
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

  /** What a Shape node outputs for an input of the given shape (start/end applied). */
  public static Tensor shapeOf(Node node, int[] shape) {
    return LayoutKernels.shapeOf(node, shape);
  }

  static Tensor[] evaluate(Node node, Tensor[] inputs, long opset, WorkerPool pool) {
    CpuKernels.requireSupported(node);
    String op = node.opType();
    int n = node.inputs().size();
    Tensor[] in = new Tensor[n];
    int[][] shapes = new int[n][];
    for (int i = 0; i < n && i < inputs.length; i++) {
      in[i] = node.input(i).isEmpty() ? null : inputs[i];
      shapes[i] = in[i] == null ? null : in[i].shape();
    }
    if (op.equals("Constant")) {
      return new Tensor[] {ShapeInference.constantValue(node)};
    }
    requireInputs(node, in);
    if (op.equals("Shape")) {
      return new Tensor[] {LayoutKernels.shapeOf(node, in[0].shape())};
    }
    if (op.equals("Dropout") && node.outputs().size() > 1 && !node.output(1).isEmpty()) {
      throw new UnsupportedOperatorException(node.label() + ": Dropout's mask output is not"
          + " supported");
    }
    int[][] outShapes = ShapeInference.outputShapes(node, shapes, in);
    if (CpuKernels.isView(op)) {
      return new Tensor[] {in[0].reshape(outShapes[0])};
    }
    if (!in[0].isFloat() || (op.equals("Concat") && anyInt(in))
        || (BinaryKernel.isArithmetic(op) && anyInt(in))) {
      return new Tensor[] {evaluateInt64(node, in, outShapes[0])};
    }
    Kernel kernel = CpuKernels.create(new KernelSpec(node, opset, shapes, in, outShapes),
        pool.threads());
    FloatBuffer[] inBufs = new FloatBuffer[n];
    for (int i = 0; i < n; i++) {
      inBufs[i] = in[i] != null && in[i].isFloat() ? in[i].data() : null;
    }
    // Kernels write output 0 only (secondary outputs such as MaxPool indices are unsupported).
    Tensor[] out = {Tensor.zeros(outShapes[0])};
    FloatBuffer[] outBufs = {out[0].data()};
    kernel.run(inBufs, outBufs, pool);
    return out;
  }

  private static void requireInputs(Node node, Tensor[] in) {
    if (in.length == 0 || in[0] == null) {
      throw new ModelFormatException(node.label() + " has no data input");
    }
  }

  private static boolean anyInt(Tensor[] in) {
    for (Tensor t : in) {
      if (t != null && !t.isFloat()) {
        return true;
      }
    }
    return false;
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
      case "Add": case "Sub": case "Mul": case "Div":
        if (in[0].isFloat() || in[1].isFloat()) {
          throw new ModelFormatException(node.label() + ": inputs mix float and int64");
        }
        return BinaryKernel.evaluateInt64(node, in[0], in[1]);
      default:
        throw new UnsupportedOperatorException(node.label() + ": " + node.opType()
            + " on int64 data is not supported");
    }
  }
}

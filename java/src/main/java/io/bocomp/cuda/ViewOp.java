package io.bocomp.cuda;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.util.Arrays;

/**
 * Ops whose output is the input's memory under another shape, so they cost nothing on the GPU:
 * Flatten (axis), Reshape (target from an int64 initializer; 0 copies a dimension, -1 is
 * inferred), and inference-mode Identity and Dropout.
 */
final class ViewOp extends GpuOp {
  private final long[] target;  // Reshape only

  ViewOp(Node node, Graph graph) {
    super(node);
    if (node.opType().equals("Reshape")) {
      Tensor t = node.input(1).isEmpty() ? null : graph.initializer(node.input(1));
      if (t == null) {
        throw unsupported("needs Reshape's shape as an initializer");
      }
      if (node.intAttr("allowzero", 0) != 0) {
        throw unsupported("does not run Reshape with allowzero = 1");
      }
      target = t.toLongArray();
    } else {
      target = null;
    }
    if (node.opType().equals("Dropout") && node.outputs().size() > 1 && !node.output(1).isEmpty()) {
      throw unsupported("does not produce Dropout's mask output");
    }
  }

  @Override
  boolean isView() {
    return true;
  }

  @Override
  int[] outputShape(int[][] in) {
    int[] x = in[0];
    switch (node.opType()) {
      case "Flatten": {
        long axis = node.intAttr("axis", 1);
        int a = (int) (axis < 0 ? axis + x.length : axis);
        if (a < 0 || a > x.length) {
          throw bad("axis " + axis + " out of range for rank " + x.length);
        }
        return new int[] {(int) product(x, 0, a), (int) product(x, a, x.length)};
      }
      case "Reshape":
        return reshape(x);
      default:
        return x.clone();
    }
  }

  private int[] reshape(int[] x) {
    int[] out = new int[target.length];
    long known = 1;
    int infer = -1;
    for (int i = 0; i < target.length; i++) {
      long t = target[i];
      if (t == -1) {
        if (infer >= 0) {
          throw bad("more than one -1 in shape " + Arrays.toString(target));
        }
        infer = i;
        continue;
      }
      if (t == 0) {
        if (i >= x.length) {
          throw bad("0 in shape " + Arrays.toString(target) + " has no input dimension to copy");
        }
        t = x[i];
      }
      if (t < 0) {
        throw bad("invalid dimension " + t + " in shape " + Arrays.toString(target));
      }
      out[i] = (int) t;
      known *= t;
    }
    long size = product(x, 0, x.length);
    if (infer >= 0) {
      if (known == 0 || size % known != 0) {
        throw bad("cannot infer -1 reshaping " + Arrays.toString(x) + " to " + Arrays.toString(target));
      }
      out[infer] = (int) (size / known);
    } else if (known != size) {
      throw bad("cannot reshape " + Arrays.toString(x) + " to " + Arrays.toString(target));
    }
    return out;
  }

  @Override
  void enqueue(Lane lane, DeviceTensor[] in, DeviceTensor out, long scratch) {
    // nothing to do: the executable made `out` a view of in[0]
  }
}

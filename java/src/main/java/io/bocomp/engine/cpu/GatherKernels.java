package io.bocomp.engine.cpu;

import io.bocomp.engine.FeedException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Gather and GatherElements on float (or float-coded integer) data with integer indices that are
 * constants or run-time values (float-coded, exact to 2^24). Negative indices count from the end
 * of the axis.
 *
 * <p>Gather copies one contiguous block (the elements after the axis) per (outer row, index) with
 * a bulk buffer copy, blocks in parallel; constant indices are checked and wrapped once at plan
 * time, run-time ones at the start of each run. GatherElements stages each row of indices in a
 * heap array and picks the data elements it names, rows in parallel.
 *
 * <p>Limits: an index out of range at run time fails the run with a {@link FeedException} naming
 * the node (ONNX leaves it undefined; ONNX Runtime fails too).
 */
final class GatherKernels {
  private GatherKernels() {}

  static Kernel gather(KernelSpec spec) {
    int[] data = spec.in(0);
    int axis = ShapeInference.axisOf(spec.node, spec.node.intAttr("axis", 0), data.length);
    int outer = MovementKernels.product(data, 0, axis);
    int inner = MovementKernels.product(data, axis + 1, data.length);
    int axisLen = data[axis];
    int count = Tensor.checkedSize(spec.in(1));
    Tensor constant = spec.constant(1);
    int[] fixed = constant == null ? null
        : LayoutKernels.checkedIndices(spec.node, constant.toLongArray(), axisLen);
    int[] runtime = new int[count];
    Node node = spec.node;
    int blocks = outer * count;
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, inner));
    return (in, out, pool) -> {
      int[] index = fixed;
      if (index == null) {
        index = runtime;
        readIndices(node, in[1], index, axisLen);
      }
      int[] idx = index;
      FloatBuffer x = in[0];
      FloatBuffer y = out[0];
      Strips.forRange(pool, blocks, grain, (b0, b1, w) -> {
        for (int b = b0; b < b1; b++) {
          int r = b / count;
          int k = b - r * count;
          y.put(b * inner, x, (r * axisLen + idx[k]) * inner, inner);
        }
      });
    };
  }

  /** Reads float-coded indices, wrapping negative ones; fails naming the node if out of range. */
  private static void readIndices(Node node, FloatBuffer b, int[] into, int len) {
    for (int i = 0; i < into.length; i++) {
      float f = b.get(i);
      int j = (int) f;
      if (j < 0) {
        j += len;
      }
      if (j < 0 || j >= len || f != (long) f) {
        throw outOfRange(node, f, len);
      }
      into[i] = j;
    }
  }

  private static FeedException outOfRange(Node node, float index, int len) {
    return new FeedException(node.label() + ": index " + (long) index + " is out of range for an"
        + " axis of " + len + " (valid: " + -len + " to " + (len - 1) + ")");
  }

  static Kernel gatherElements(KernelSpec spec) {
    int[] data = spec.in(0);
    int[] idx = spec.in(1);
    int r = data.length;
    int axis = ShapeInference.axisOf(spec.node, spec.node.intAttr("axis", 0), r);
    int[] dataStride = new int[r];
    for (int d = r - 1, acc = 1; d >= 0; d--) {
      dataStride[d] = acc;
      acc *= data[d];
    }
    int width = idx[r - 1];
    int rows = width == 0 ? 0 : Tensor.checkedSize(idx) / width;
    int axisLen = data[axis];
    int axisStride = dataStride[axis];
    boolean lastAxis = axis == r - 1;
    int[] rowDims = Arrays.copyOf(idx, r - 1);
    Node node = spec.node;
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, width));
    return Kernel.of((in, out, pool) -> {
      FloatBuffer x = in[0];
      FloatBuffer ix = in[1];
      FloatBuffer y = out[0];
      Strips.forRange(pool, rows, grain, (r0, r1, w) -> {
        float[] ind = pool.scratch(w).floats(Scratch.ROW_A, width);
        float[] row = pool.scratch(w).floats(Scratch.ROW_B, width);
        for (int q = r0; q < r1; q++) {
          int base = 0;
          int rem = q;
          for (int d = r - 2; d >= 0; d--) {
            int c = rem % rowDims[d];
            rem /= rowDims[d];
            if (d != axis) {
              base += c * dataStride[d];
            }
          }
          ix.get(q * width, ind, 0, width);
          for (int c = 0; c < width; c++) {
            float f = ind[c];
            int j = (int) f;
            if (j < 0) {
              j += axisLen;
            }
            if (j < 0 || j >= axisLen || f != (long) f) {
              throw outOfRange(node, f, axisLen);
            }
            row[c] = x.get(base + j * axisStride + (lastAxis ? 0 : c));
          }
          y.put(q * width, row, 0, width);
        }
      });
    }, s -> {
      s.floats(Scratch.ROW_A, width);
      s.floats(Scratch.ROW_B, width);
    });
  }
}

package io.bocomp.engine.cpu;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.op.LayoutShapes;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Transpose and Concat on float data as kernels (Gather's kernel is {@link GatherKernels}), and
 * Transpose, Concat, Gather and Shape on int64 data for plan-time shape arithmetic. Flatten,
 * Reshape, Squeeze, Unsqueeze, Identity and Dropout move nothing: the planner makes their output
 * a view of their input.
 *
 * <p>Concat copies contiguous blocks with bulk buffer copies. Transpose first merges
 * input axes that stay adjacent under the permutation, then copies whole rows when the last axis
 * is unchanged and gathers element by element otherwise.
 */
final class LayoutKernels {
  private LayoutKernels() {}

  // ---------------------------------------------------------------- Transpose

  static Kernel transpose(KernelSpec spec) {
    int[] x = spec.in(0);
    int[] perm = permutation(spec.node, x.length);
    int[] inStride = new int[x.length];
    int acc = 1;
    for (int a = x.length - 1; a >= 0; a--) {
      inStride[a] = acc;
      acc *= x[a];
    }
    // Output axes, dropping size-1 ones and merging neighbours that are contiguous in the input.
    int[] dims = new int[Math.max(1, x.length)];
    int[] stride = new int[dims.length];
    int k = 0;
    for (int i = 0; i < perm.length; i++) {
      int d = x[perm[i]];
      int s = inStride[perm[i]];
      if (d == 1) {
        continue;
      }
      if (k > 0 && stride[k - 1] == s * d) {
        dims[k - 1] *= d;
        stride[k - 1] = s;
      } else {
        dims[k] = d;
        stride[k] = s;
        k++;
      }
    }
    if (k == 0) {
      dims[0] = 1;
      stride[0] = 1;
      k = 1;
    }
    int[] runDims = Arrays.copyOf(dims, k);
    int[] runStride = Arrays.copyOf(stride, k);
    int size = Tensor.checkedSize(x);
    int inner = runDims[runDims.length - 1];
    return Kernel.of((in, out, pool) -> transposeRun(in[0], out[0], runDims, runStride, size, pool),
        s -> s.floats(Scratch.ROW_A, inner));
  }

  private static int[] permutation(Node node, int rank) {
    return LayoutShapes.permutation(node, rank);
  }


  private static void transposeRun(FloatBuffer x, FloatBuffer y, int[] dims, int[] stride,
      int size, WorkerPool pool) {
    int last = dims.length - 1;
    int inner = dims[last];
    int innerStride = stride[last];
    int rows = size / Math.max(1, inner);
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, inner));
    Strips.forRange(pool, rows, grain, (r0, r1, w) -> {
      float[] buf = pool.scratch(w).floats(Scratch.ROW_A, inner);
      for (int r = r0; r < r1; r++) {
        int off = 0;
        int rem = r;
        for (int d = last - 1; d >= 0; d--) {
          off += (rem % dims[d]) * stride[d];
          rem /= dims[d];
        }
        if (innerStride == 1) {
          y.put(r * inner, x, off, inner);
        } else {
          for (int i = 0; i < inner; i++) {
            buf[i] = x.get(off + i * innerStride);
          }
          y.put(r * inner, buf, 0, inner);
        }
      }
    });
  }

  // ---------------------------------------------------------------- Concat

  static Kernel concat(KernelSpec spec) {
    int[] out = spec.out(0);
    int axis = ShapeInference.axisOf(spec.node, spec.node.intAttr("axis", 0), out.length);
    int outer = product(out, 0, axis);
    int innerAfter = product(out, axis + 1, out.length);
    int total = out[axis] * innerAfter;
    int n = spec.node.inputs().size();
    int[] block = new int[n];
    for (int i = 0; i < n; i++) {
      block[i] = spec.has(i) ? spec.in(i)[axis] * innerAfter : 0;
    }
    return (in, o, pool) -> pool.parallelFor(1, (t, w) -> {
      int off = 0;
      for (int i = 0; i < n; i++) {
        if (block[i] == 0) {
          continue;
        }
        for (int r = 0; r < outer; r++) {
          o[0].put(r * total + off, in[i], r * block[i], block[i]);
        }
        off += block[i];
      }
    });
  }

  // ---------------------------------------------------------------- Gather

  static int[] checkedIndices(Node node, long[] idx, int len) {
    int[] r = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      long j = idx[i] < 0 ? idx[i] + len : idx[i];
      if (j < 0 || j >= len) {
        throw new ModelFormatException(node.label() + ": index " + idx[i]
            + " is out of range for an axis of " + len);
      }
      r[i] = (int) j;
    }
    return r;
  }

  private static int product(int[] s, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= s[i];
    }
    return p;
  }

  // ---------------------------------------------------------------- int64 evaluation

  /** True for the ops whose value is a function of their input's shape alone: Shape, Size. */
  static boolean isShapeFunction(String opType) {
    return opType.equals("Shape") || opType.equals("Size");
  }

  /** The value of a Shape or Size node for an input of this shape. */
  static Tensor shapeFunction(Node node, int[] x) {
    if (node.opType().equals("Size")) {
      long n = 1;
      for (int d : x) {
        n *= d;
      }
      return Tensor.ofLongs(new int[0], new long[] {n});
    }
    return shapeOf(node, x);
  }

  /** Shape: the input's dimensions in [start, end) as int64 (any input type). */
  static Tensor shapeOf(Node node, int[] x) {
    int[] range = LayoutShapes.shapeRange(node, x.length);
    int s = range[0];
    long[] v = new long[range[1] - range[0]];
    for (int i = 0; i < v.length; i++) {
      v[i] = x[s + i];
    }
    return Tensor.ofLongs(new int[] {v.length}, v);
  }

  /** Gather on int64 data. */
  static Tensor gatherInt64(Node node, Tensor data, Tensor indices) {
    int[] d = data.shape();
    if (d.length == 0) {
      throw new ModelFormatException(node.label() + ": cannot gather from a scalar");
    }
    int axis = ShapeInference.axisOf(node, node.intAttr("axis", 0), d.length);
    int[] index = checkedIndices(node, indices.toLongArray(), d[axis]);
    int outer = product(d, 0, axis);
    int inner = product(d, axis + 1, d.length);
    long[] src = data.toLongArray();
    long[] r = new long[outer * index.length * inner];
    int o = 0;
    for (int a = 0; a < outer; a++) {
      for (int j : index) {
        System.arraycopy(src, (a * d[axis] + j) * inner, r, o, inner);
        o += inner;
      }
    }
    int[] shape = new int[d.length - 1 + indices.rank()];
    System.arraycopy(d, 0, shape, 0, axis);
    System.arraycopy(indices.shape(), 0, shape, axis, indices.rank());
    System.arraycopy(d, axis + 1, shape, axis + indices.rank(), d.length - axis - 1);
    return Tensor.ofLongs(shape, r);
  }

  /** Concat on int64 data; {@code out} is the inferred output shape. */
  static Tensor concatInt64(Node node, Tensor[] inputs, int[] out) {
    int axis = ShapeInference.axisOf(node, node.intAttr("axis", 0), out.length);
    int outer = product(out, 0, axis);
    int after = product(out, axis + 1, out.length);
    long[] r = new long[Tensor.checkedSize(out)];
    int off = 0;
    int total = out[axis] * after;
    for (Tensor t : inputs) {
      if (t == null) {
        continue;
      }
      long[] v = t.toLongArray();
      int block = t.shape()[axis] * after;
      for (int a = 0; a < outer; a++) {
        System.arraycopy(v, a * block, r, a * total + off, block);
      }
      off += block;
    }
    return Tensor.ofLongs(out, r);
  }

  /** Transpose on int64 data. */
  static Tensor transposeInt64(Node node, Tensor x) {
    int[] s = x.shape();
    int[] perm = permutation(node, s.length);
    int[] out = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[perm[i]];
    }
    int[] stride = new int[s.length];
    int acc = 1;
    for (int a = s.length - 1; a >= 0; a--) {
      stride[a] = acc;
      acc *= s[a];
    }
    long[] v = x.toLongArray();
    long[] r = new long[v.length];
    int[] idx = new int[s.length];
    for (int i = 0; i < r.length; i++) {
      int rem = i;
      int src = 0;
      for (int d = s.length - 1; d >= 0; d--) {
        idx[d] = rem % out[d];
        rem /= out[d];
        src += idx[d] * stride[perm[d]];
      }
      r[i] = v[src];
    }
    return Tensor.ofLongs(out, r);
  }
}

package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.op.MovementShapes;
import io.bocomp.model.op.PadWidths;
import io.bocomp.model.op.SliceRanges;
import io.bocomp.model.op.SplitSizes;
import java.nio.FloatBuffer;

/**
 * Kernels of the ops that move elements without arithmetic, built from their typed descriptions
 * in the op table: Slice, Pad, Tile and Expand as per-axis index maps ({@link AxisGatherKernel}:
 * bulk copies of contiguous runs, a staged gather for strided or reversed innermost axes), Split
 * as block copies into each output, DepthToSpace and SpaceToDepth as a 6-D transpose of a view
 * ({@link LayoutKernels#permute}), and Size, which writes the element count its spec fixes.
 *
 * <p>Shape-deciding parameters (starts, ends, axes, steps, pads, split sizes, shape, repeats) are
 * read from the spec's constants at plan time; Pad's constant_value is read from its buffer at
 * run time. Float-coded integer data (int64 shape vectors at plan time) move like floats.
 */
final class MovementKernels {
  /** Largest element count Size reports exactly (float-coded integers are exact to 2^24). */
  private static final int EXACT = 1 << 24;

  private MovementKernels() {}

  static Kernel slice(KernelSpec spec) {
    int[] x = spec.in(0);
    SliceRanges r = SliceRanges.of(spec.node, x, spec.consts);
    int[][] maps = new int[x.length][];
    for (int d = 0; d < x.length; d++) {
      int[] m = new int[r.count()[d]];
      for (int o = 0; o < m.length; o++) {
        m[o] = r.start()[d] + o * r.step()[d];
      }
      maps[d] = m;
    }
    return new AxisGatherKernel(x, maps, -1, 0f);
  }

  static Kernel pad(KernelSpec spec) {
    int[] x = spec.in(0);
    PadWidths w = PadWidths.of(spec.node, x, spec.consts);
    int[][] maps = new int[x.length][];
    for (int d = 0; d < x.length; d++) {
      maps[d] = w.sourceIndices(d, x[d]);
    }
    if (spec.has(2) && Tensor.checkedSize(spec.in(2)) != 1) {
      throw spec.malformed("constant_value must hold one value");
    }
    return new AxisGatherKernel(x, maps, spec.has(2) ? 2 : -1, 0f);
  }

  static Kernel tile(KernelSpec spec) {
    int[] x = spec.in(0);
    int[] y = spec.out(0);
    int[][] maps = new int[x.length][];
    for (int d = 0; d < x.length; d++) {
      int[] m = new int[y[d]];
      for (int o = 0; o < m.length; o++) {
        m[o] = o % x[d];
      }
      maps[d] = m;
    }
    return new AxisGatherKernel(x, maps, -1, 0f);
  }

  static Kernel expand(KernelSpec spec) {
    int[] x = spec.in(0);
    int[] y = spec.out(0);
    int lead = y.length - x.length;
    int[] dims = new int[y.length];
    int[][] maps = new int[y.length][];
    for (int d = 0; d < y.length; d++) {
      dims[d] = d < lead ? 1 : x[d - lead];
      int[] m = new int[y[d]];
      for (int o = 0; o < m.length; o++) {
        m[o] = dims[d] == 1 ? 0 : o;
      }
      maps[d] = m;
    }
    return new AxisGatherKernel(dims, maps, -1, 0f);
  }

  static Kernel split(KernelSpec spec) {
    int[] x = spec.in(0);
    int axis = SplitSizes.axis(spec.node, x.length);
    int[] sizes = SplitSizes.of(spec.node, x, spec.consts);
    int outer = product(x, 0, axis);
    int after = product(x, axis + 1, x.length);
    int total = x[axis] * after;
    int n = sizes.length;
    int[] block = new int[n];
    int[] offset = new int[n];
    for (int i = 0, off = 0; i < n; i++) {
      block[i] = sizes[i] * after;
      offset[i] = off;
      off += block[i];
    }
    return new Kernel() {
      @Override
      public int outputs() {
        return n;
      }

      @Override
      public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
        FloatBuffer src = in[0];
        int grain = Math.max(1, Strips.GRAIN / Math.max(1, total));
        Strips.forRange(pool, outer, grain, (r0, r1, w) -> {
          for (int i = 0; i < n; i++) {
            FloatBuffer dst = i < out.length ? out[i] : null;
            if (dst == null || block[i] == 0) {
              continue;
            }
            for (int r = r0; r < r1; r++) {
              dst.put(r * block[i], src, r * total + offset[i], block[i]);
            }
          }
        });
      }
    };
  }

  /**
   * DepthToSpace as a transpose of the input viewed in 6-D: DCR {@code [N, b, b, C', H, W]} with
   * perm {@code [0, 3, 4, 1, 5, 2]}, CRD {@code [N, C', b, b, H, W]} with
   * {@code [0, 1, 4, 2, 5, 3]}.
   */
  static Kernel depthToSpace(KernelSpec spec) {
    int[] x = spec.in(0);
    int b = MovementShapes.blocksize(spec.node);
    int c = x[1] / (b * b);
    if (MovementShapes.columnRowDepth(spec.node)) {
      return LayoutKernels.permute(new int[] {x[0], c, b, b, x[2], x[3]},
          new int[] {0, 1, 4, 2, 5, 3});
    }
    return LayoutKernels.permute(new int[] {x[0], b, b, c, x[2], x[3]},
        new int[] {0, 3, 4, 1, 5, 2});
  }

  /** SpaceToDepth: {@code [N, C, H/b, b, W/b, b]} transposed by {@code [0, 3, 5, 1, 2, 4]}. */
  static Kernel spaceToDepth(KernelSpec spec) {
    int[] x = spec.in(0);
    int b = MovementShapes.blocksize(spec.node);
    return LayoutKernels.permute(new int[] {x[0], x[1], x[2] / b, b, x[3] / b, b},
        new int[] {0, 3, 5, 1, 2, 4});
  }

  /** Size: the element count of input 0's (plan-time) shape, float-coded. */
  static Kernel size(KernelSpec spec) {
    int n = Tensor.checkedSize(spec.in(0));
    if (n > EXACT) {
      throw new UnsupportedOperatorException(spec.node.label() + ": Size of " + n
          + " elements (beyond 2^24, not exact as a float-coded integer) is not supported");
    }
    float v = n;
    return (in, out, pool) -> out[0].put(0, v);
  }

  static int product(int[] s, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= s[i];
    }
    return p;
  }
}

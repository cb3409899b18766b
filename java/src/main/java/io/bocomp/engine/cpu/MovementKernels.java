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
 * as block copies into each output, DepthToSpace and SpaceToDepth as row interleaving and
 * de-interleaving through heap strips (bulk reads of contiguous input rows), and Size, which
 * writes the element count its spec fixes.
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
   * DepthToSpace: output row {@code (n, c, h * b + i)} interleaves the {@code b} input rows
   * {@code (n, ch(i, j), h)}, {@code j < b}, with {@code ch = (i * b + j) * C' + c} (DCR) or
   * {@code c * b * b + i * b + j} (CRD): each is read with one bulk copy into a strip and
   * scattered to every b-th element; strips of output rows are written with one bulk copy.
   */
  static Kernel depthToSpace(KernelSpec spec) {
    int[] x = spec.in(0);
    int b = MovementShapes.blocksize(spec.node);
    boolean crd = MovementShapes.columnRowDepth(spec.node);
    int n = x[0];
    int ch = x[1];
    int h = x[2];
    int w = x[3];
    int c = ch / (b * b);
    int rowLen = w * b;
    int rows = n * c * h * b;
    int per = Math.max(1, Strips.STRIP / Math.max(1, rowLen));
    return Kernel.of((in, out, pool) -> {
      FloatBuffer src = in[0];
      FloatBuffer dst = out[0];
      Strips.forRange(pool, rows, Math.max(1, Strips.GRAIN / Math.max(1, rowLen)),
          (r0, r1, wk) -> {
            float[] stage = pool.scratch(wk).floats(Scratch.ROW_A, rowLen);
            float[] strip = pool.scratch(wk).floats(Scratch.ROW_B, per * rowLen);
            for (int r = r0; r < r1; r += per) {
              int m = Math.min(per, r1 - r);
              for (int q = 0; q < m; q++) {
                int row = r + q;
                int i = row % b;
                int hh = (row / b) % h;
                int cc = (row / (b * h)) % c;
                int nn = row / (b * h * c);
                for (int j = 0; j < b; j++) {
                  int k = crd ? cc * b * b + i * b + j : (i * b + j) * c + cc;
                  src.get(((nn * ch + k) * h + hh) * w, stage, j * w, w);
                }
                int off = q * rowLen;
                for (int j = 0; j < b; j++) {
                  for (int ww = 0; ww < w; ww++) {
                    strip[off + ww * b + j] = stage[j * w + ww];
                  }
                }
              }
              dst.put(r * rowLen, strip, 0, m * rowLen);
            }
          });
    }, s -> {
      s.floats(Scratch.ROW_A, rowLen);
      s.floats(Scratch.ROW_B, per * rowLen);
    });
  }

  /**
   * SpaceToDepth: input row {@code (n, c, oh * b + i)} feeds the {@code b} output rows
   * {@code (n, (i * b + j) * C + c, oh)}, {@code j < b}, with its every b-th element from
   * {@code j}: one bulk read per input row, one bulk write per output row.
   */
  static Kernel spaceToDepth(KernelSpec spec) {
    int[] x = spec.in(0);
    int b = MovementShapes.blocksize(spec.node);
    int n = x[0];
    int c = x[1];
    int h = x[2];
    int w = x[3];
    int oh = h / b;
    int ow = w / b;
    int rows = n * c * h;
    return Kernel.of((in, out, pool) -> {
      FloatBuffer src = in[0];
      FloatBuffer dst = out[0];
      Strips.forRange(pool, rows, Math.max(1, Strips.GRAIN / Math.max(1, w)), (r0, r1, wk) -> {
        float[] row = pool.scratch(wk).floats(Scratch.ROW_A, w);
        float[] part = pool.scratch(wk).floats(Scratch.ROW_B, ow);
        for (int r = r0; r < r1; r++) {
          int hh = r % h;
          int cc = (r / h) % c;
          int nn = r / (h * c);
          int i = hh % b;
          int y = hh / b;
          src.get(r * w, row, 0, w);
          for (int j = 0; j < b; j++) {
            for (int k = 0; k < ow; k++) {
              part[k] = row[k * b + j];
            }
            int outCh = (i * b + j) * c + cc;
            dst.put(((nn * c * b * b + outCh) * oh + y) * ow, part, 0, ow);
          }
        }
      });
    }, s -> {
      s.floats(Scratch.ROW_A, w);
      s.floats(Scratch.ROW_B, ow);
    });
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

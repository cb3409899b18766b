package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import io.bocomp.model.op.ReduceAxes;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The Reduce* ops (ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2,
 * ReduceSumSquare, ReduceLogSum, ReduceLogSumExp) in their canonical form ({@link ReduceAxes}):
 * axes from the constant input 1, keepdims, noop_with_empty_axes.
 *
 * <p>Algorithm: at plan time the input's axes are simplified, size-1 axes dropped and neighbours
 * that are both reduced or both kept merged, so the input is an alternation of kept and reduced
 * blocks (a reduction of the last axis of [N, C, L] is [kept N*C, reduced L]; of the middle axis
 * of [N, C, HW] it is [kept N, reduced C, kept HW]). Then one of two loops runs:
 * <ul>
 *   <li>the last block is reduced (rows of L contiguous values): each output folds its rows into
 *       a scalar (several short rows are staged with one bulk copy), parallel over outputs;
 *   <li>the last block is kept (width I): each output row of I values accumulates, column-wise,
 *       every input row of I values that reduces into it (one vectorizable pass per input row,
 *       several rows staged per bulk copy), parallel over output rows and column chunks.
 * </ul>
 * Sums, means and products accumulate in double; ReduceLogSumExp subtracts the maximum first
 * (two passes). Other reduced blocks (non-adjacent axes) are walked by index arithmetic once per
 * row, never per element. Integer data (float-coded, e.g. a ReduceProd of a shape vector at plan
 * time) gives exact results up to 2^24; an integer ReduceMean, ReduceL2 or ReduceLog* truncates
 * toward zero. With noop_with_empty_axes and no axes each value is reduced on its own, as ONNX
 * Runtime does: ReduceL1 gives |x|, ReduceL2 |x|, ReduceSumSquare x^2, ReduceLogSum log x, the
 * others copy the input.
 *
 * <p>Limits: the axes must be a constant. Reducing an empty set gives the reduction's identity
 * (0; 1 for ReduceProd; -inf/+inf for ReduceMax/ReduceMin; NaN for ReduceMean).
 */
final class ReduceKernel implements Kernel {
  /** What the op computes. */
  enum Fn {
    SUM(Acc.ADD), MEAN(Acc.ADD), MAX(Acc.MAX), MIN(Acc.MIN), PROD(Acc.MUL), L1(Acc.ADD_ABS),
    L2(Acc.ADD_SQUARE), SUM_SQUARE(Acc.ADD_SQUARE), LOG_SUM(Acc.ADD), LOG_SUM_EXP(Acc.ADD_EXP);

    final Acc acc;

    Fn(Acc acc) {
      this.acc = acc;
    }

    static Fn of(String op) {
      switch (op) {
        case "ReduceSum": return SUM;
        case "ReduceMean": return MEAN;
        case "ReduceMax": return MAX;
        case "ReduceMin": return MIN;
        case "ReduceProd": return PROD;
        case "ReduceL1": return L1;
        case "ReduceL2": return L2;
        case "ReduceSumSquare": return SUM_SQUARE;
        case "ReduceLogSum": return LOG_SUM;
        case "ReduceLogSumExp": return LOG_SUM_EXP;
        default: throw new IllegalArgumentException(op);
      }
    }
  }

  /** How one value joins the running state. */
  enum Acc {
    ADD(0), ADD_ABS(0), ADD_SQUARE(0), ADD_EXP(0), MUL(1), MAX(Double.NEGATIVE_INFINITY),
    MIN(Double.POSITIVE_INFINITY);

    final double init;

    Acc(double init) {
      this.init = init;
    }
  }

  /** Output columns accumulated at once when the last block is kept. */
  static final int CHUNK = 1024;

  private final Fn fn;
  private final boolean integer;
  private final boolean noop;
  private final int inSize;
  private final int outSize;
  /** Number of values reduced into each output. */
  private final int count;
  /** True when the last block is reduced (rows fold into scalars). */
  private final boolean lastReduced;
  /** Length of the last block: reduced rows (L) or kept rows (I). */
  private final int row;
  /** Kept blocks (without the last one when it is kept), outermost first, and their strides. */
  private final int[] keptDims;
  private final int[] keptStrides;
  /** Reduced blocks walked by index arithmetic, outermost first, and their strides. */
  private final int[] redDims;
  private final int[] redStrides;
  /** Last block kept: number of input rows of the innermost reduced block (rows adjacent). */
  private final int innerRows;
  /** Per-worker double accumulators (last block kept). */
  private final double[][] accs;
  private final double[][] shifts;

  private ReduceKernel(Fn fn, boolean integer, boolean noop, int inSize, int outSize, int count,
      boolean lastReduced, int row, int[] keptDims, int[] keptStrides, int[] redDims,
      int[] redStrides, int innerRows, int threads) {
    this.fn = fn;
    this.integer = integer;
    this.noop = noop;
    this.inSize = inSize;
    this.outSize = outSize;
    this.count = count;
    this.lastReduced = lastReduced;
    this.row = row;
    this.keptDims = keptDims;
    this.keptStrides = keptStrides;
    this.redDims = redDims;
    this.redStrides = redStrides;
    this.innerRows = innerRows;
    int width = lastReduced || noop ? 0 : Math.min(row, CHUNK);
    this.accs = new double[threads][width];
    this.shifts = new double[threads][fn == Fn.LOG_SUM_EXP ? width : 0];
  }

  static Kernel create(KernelSpec spec, int threads) {
    int[] x = spec.in(0);
    long[] axes = spec.has(1) ? spec.requireConstant(1, "axes").toLongArray() : null;
    Fn fn = Fn.of(spec.node.opType());
    boolean integer = spec.integerOutput(0);
    int inSize = Tensor.checkedSize(x);
    int outSize = Tensor.checkedSize(spec.out(0));
    // the identity, unless each value is transformed (|x|, x^2, log x) as its own reduction
    boolean noop = ReduceAxes.isNoop(spec.node, axes) && fn.acc != Acc.ADD_ABS
        && fn.acc != Acc.ADD_SQUARE && fn != Fn.LOG_SUM;
    boolean[] reduced = ReduceAxes.reduced(spec.node, x.length, axes);
    // Blocks: size-1 axes dropped, neighbours with the same flag merged.
    List<int[]> blocks = new ArrayList<>(); // {size, reduced ? 1 : 0}
    long count = 1;
    for (int a = 0; a < x.length; a++) {
      if (reduced[a]) {
        count *= x[a];
      }
      if (x[a] == 1) {
        continue;
      }
      int flag = reduced[a] ? 1 : 0;
      int[] last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
      if (last != null && last[1] == flag) {
        last[0] *= x[a];
      } else {
        blocks.add(new int[] {x[a], flag});
      }
    }
    if (blocks.isEmpty()) {
      blocks.add(new int[] {1, 0});
    }
    int m = blocks.size();
    int[] stride = new int[m];
    int s = 1;
    for (int i = m - 1; i >= 0; i--) {
      stride[i] = s;
      s *= blocks.get(i)[0];
    }
    boolean lastReduced = blocks.get(m - 1)[1] == 1;
    int row = blocks.get(m - 1)[0];
    // The innermost reduced block of a kept-last layout is walked row by row, not by index.
    int innerIndex = -1;
    if (!lastReduced && m >= 2) {
      innerIndex = m - 2;
    }
    List<Integer> kd = new ArrayList<>();
    List<Integer> ks = new ArrayList<>();
    List<Integer> rd = new ArrayList<>();
    List<Integer> rs = new ArrayList<>();
    for (int i = 0; i < m - 1; i++) {
      if (blocks.get(i)[1] == 0) {
        kd.add(blocks.get(i)[0]);
        ks.add(stride[i]);
      } else if (i != innerIndex) {
        rd.add(blocks.get(i)[0]);
        rs.add(stride[i]);
      }
    }
    int innerRows = innerIndex >= 0 ? blocks.get(innerIndex)[0] : 1;
    return new ReduceKernel(fn, integer, noop, inSize, outSize, (int) count, lastReduced, row,
        ints(kd), ints(ks), ints(rd), ints(rs), innerRows, threads);
  }

  private static int[] ints(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.STAGE, Strips.STRIP);
    s.floats(Scratch.ROW_A, Math.max(CHUNK, Strips.STRIP));
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    if (noop) {
      copy(x, y, inSize);
    } else if (outSize == 0) {
      return;
    } else if (inSize == 0) {
      float v = (float) finish(fn.acc.init, 0);
      for (int o = 0; o < outSize; o++) {
        y.put(o, v);
      }
    } else if (lastReduced) {
      runRows(x, y, pool);
    } else {
      runColumns(x, y, pool);
    }
  }

  private static void copy(FloatBuffer x, FloatBuffer y, int n) {
    if (x != y) {
      y.put(0, x, 0, n);
    }
  }

  /** The output value from an accumulated state ({@code shift}: LogSumExp's maximum). */
  private double finish(double s, double shift) {
    double v;
    switch (fn) {
      case MEAN: v = s / count; break;
      case L2: v = Math.sqrt(s); break;
      case LOG_SUM: v = Math.log(s); break;
      case LOG_SUM_EXP: v = Math.log(s) + shift; break;
      default: return s;
    }
    return integer && Double.isFinite(v) ? (double) (long) v : v;
  }

  /** LogSumExp's shift: the maximum, or 0 when it is not finite. */
  private static double shiftOf(double max) {
    return Double.isFinite(max) ? max : 0;
  }

  // ------------------------------------------------------------- last block reduced

  /** Offset of the first element of output {@code o}'s first row (kept-block index arithmetic). */
  private int keptOffset(int o) {
    int off = 0;
    for (int i = keptDims.length - 1; i >= 0; i--) {
      int d = keptDims[i];
      off += (o % d) * keptStrides[i];
      o /= d;
    }
    return off;
  }

  /** Offset of reduced-block combination {@code c} (index arithmetic over redDims). */
  private int reducedOffset(int c) {
    int off = 0;
    for (int i = redDims.length - 1; i >= 0; i--) {
      int d = redDims[i];
      off += (c % d) * redStrides[i];
      c /= d;
    }
    return off;
  }

  private int reducedCombos() {
    int n = 1;
    for (int d : redDims) {
      n *= d;
    }
    return n;
  }

  private void runRows(FloatBuffer x, FloatBuffer y, WorkerPool pool) {
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, count));
    boolean consecutive = redDims.length == 0;
    Strips.forRange(pool, outSize, grain, (o0, o1, w) -> {
      Scratch sc = pool.scratch(w);
      float[] stage = sc.floats(Scratch.STAGE, Strips.STRIP);
      float[] res = sc.floats(Scratch.ROW_A, Strips.STRIP);
      for (int b0 = o0; b0 < o1; b0 += Strips.STRIP) {
        int b1 = Math.min(o1, b0 + Strips.STRIP);
        if (consecutive && row <= Strips.STRIP / 2) {
          shortRows(x, b0, b1, stage, res);
        } else {
          for (int o = b0; o < b1; o++) {
            res[o - b0] = (float) output(x, o, stage);
          }
        }
        y.put(b0, res, 0, b1 - b0);
      }
    });
  }

  /** Outputs [o0, o1) whose rows are consecutive and short: many rows per bulk copy. */
  private void shortRows(FloatBuffer x, int o0, int o1, float[] stage, float[] res) {
    int per = Strips.STRIP / row;
    Acc acc = fn.acc;
    for (int r0 = o0; r0 < o1; r0 += per) {
      int n = Math.min(per, o1 - r0);
      x.get(r0 * row, stage, 0, n * row);
      for (int r = 0; r < n; r++) {
        int off = r * row;
        double v;
        if (fn == Fn.LOG_SUM_EXP) {
          double shift = shiftOf(fold(Acc.MAX, stage, off, row, Acc.MAX.init, 0));
          v = finish(fold(Acc.ADD_EXP, stage, off, row, 0, shift), shift);
        } else {
          v = finish(fold(acc, stage, off, row, acc.init, 0), 0);
        }
        res[r0 - o0 + r] = (float) v;
      }
    }
  }

  /** One output from all of its rows, staged piecewise. */
  private double output(FloatBuffer x, int o, float[] stage) {
    int base = keptOffset(o);
    if (fn == Fn.LOG_SUM_EXP) {
      double shift = shiftOf(sweepRows(x, base, stage, Acc.MAX, Acc.MAX.init, 0));
      return finish(sweepRows(x, base, stage, Acc.ADD_EXP, 0, shift), shift);
    }
    return finish(sweepRows(x, base, stage, fn.acc, fn.acc.init, 0), 0);
  }

  private double sweepRows(FloatBuffer x, int base, float[] stage, Acc acc, double s,
      double shift) {
    int combos = reducedCombos();
    for (int c = 0; c < combos; c++) {
      int start = base + reducedOffset(c);
      for (int p = 0; p < row; p += Strips.STRIP) {
        int n = Math.min(Strips.STRIP, row - p);
        x.get(start + p, stage, 0, n);
        s = fold(acc, stage, 0, n, s, shift);
      }
    }
    return s;
  }

  /** Folds {@code v[off, off + n)} into the state {@code s}. */
  static double fold(Acc acc, float[] v, int off, int n, double s, double shift) {
    int end = off + n;
    switch (acc) {
      case ADD: {
        double a = 0;
        double b = 0;
        int i = off;
        for (; i + 1 < end; i += 2) {
          a += v[i];
          b += v[i + 1];
        }
        if (i < end) {
          a += v[i];
        }
        return s + (a + b);
      }
      case ADD_ABS: {
        double a = 0;
        for (int i = off; i < end; i++) {
          a += Math.abs(v[i]);
        }
        return s + a;
      }
      case ADD_SQUARE: {
        double a = 0;
        double b = 0;
        int i = off;
        for (; i + 1 < end; i += 2) {
          double p = v[i];
          double q = v[i + 1];
          a += p * p;
          b += q * q;
        }
        if (i < end) {
          double p = v[i];
          a += p * p;
        }
        return s + (a + b);
      }
      case ADD_EXP: {
        double a = 0;
        for (int i = off; i < end; i++) {
          a += Math.exp(v[i] - shift);
        }
        return s + a;
      }
      case MUL:
        for (int i = off; i < end; i++) {
          s *= v[i];
        }
        return s;
      case MAX: {
        float m = (float) s;
        for (int i = off; i < end; i++) {
          m = Math.max(m, v[i]);
        }
        return m;
      }
      case MIN: {
        float m = (float) s;
        for (int i = off; i < end; i++) {
          m = Math.min(m, v[i]);
        }
        return m;
      }
      default:
        throw new IllegalStateException(acc.name());
    }
  }

  // ------------------------------------------------------------- last block kept

  private void runColumns(FloatBuffer x, FloatBuffer y, WorkerPool pool) {
    int chunks = (row + CHUNK - 1) / CHUNK;
    int outRows = outSize / row;
    int units = outRows * chunks;
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, count * Math.min(row, CHUNK)));
    Strips.forRange(pool, units, grain, (u0, u1, w) -> {
      Scratch sc = pool.scratch(w);
      float[] stage = sc.floats(Scratch.STAGE, Strips.STRIP);
      float[] res = sc.floats(Scratch.ROW_A, CHUNK);
      double[] acc = accs[w];
      double[] shift = shifts[w];
      for (int u = u0; u < u1; u++) {
        int k = u / chunks;
        int j0 = (u % chunks) * CHUNK;
        int n = Math.min(CHUNK, row - j0);
        int base = keptOffset(k) + j0;
        if (fn == Fn.LOG_SUM_EXP) {
          java.util.Arrays.fill(shift, 0, n, Acc.MAX.init);
          sweepColumns(x, base, n, stage, Acc.MAX, shift, null);
          for (int j = 0; j < n; j++) {
            shift[j] = shiftOf(shift[j]);
          }
          java.util.Arrays.fill(acc, 0, n, 0);
          sweepColumns(x, base, n, stage, Acc.ADD_EXP, acc, shift);
          for (int j = 0; j < n; j++) {
            res[j] = (float) finish(acc[j], shift[j]);
          }
        } else {
          java.util.Arrays.fill(acc, 0, n, fn.acc.init);
          sweepColumns(x, base, n, stage, fn.acc, acc, null);
          for (int j = 0; j < n; j++) {
            res[j] = (float) finish(acc[j], 0);
          }
        }
        y.put(k * row + j0, res, 0, n);
      }
    });
  }

  /**
   * Accumulates, into {@code a[0, n)}, columns {@code [0, n)} of every input row that reduces into
   * the output row whose first input element is at {@code base}.
   */
  private void sweepColumns(FloatBuffer x, int base, int n, float[] stage, Acc acc, double[] a,
      double[] shift) {
    int combos = reducedCombos();
    // whole rows are adjacent: stage several per copy
    int per = n == row ? Math.max(1, Strips.STRIP / row) : 1;
    for (int c = 0; c < combos; c++) {
      int start = base + reducedOffset(c);
      for (int t0 = 0; t0 < innerRows; t0 += per) {
        int rows = Math.min(per, innerRows - t0);
        x.get(start + t0 * row, stage, 0, (rows - 1) * row + n);
        for (int t = 0; t < rows; t++) {
          columns(acc, stage, t * row, n, a, shift);
        }
      }
    }
  }

  /** {@code a[j] = a[j] (op) v[off + j]} for j in [0, n). */
  static void columns(Acc acc, float[] v, int off, int n, double[] a, double[] shift) {
    switch (acc) {
      case ADD:
        for (int j = 0; j < n; j++) {
          a[j] += v[off + j];
        }
        return;
      case ADD_ABS:
        for (int j = 0; j < n; j++) {
          a[j] += Math.abs(v[off + j]);
        }
        return;
      case ADD_SQUARE:
        for (int j = 0; j < n; j++) {
          double p = v[off + j];
          a[j] += p * p;
        }
        return;
      case ADD_EXP:
        for (int j = 0; j < n; j++) {
          a[j] += Math.exp(v[off + j] - shift[j]);
        }
        return;
      case MUL:
        for (int j = 0; j < n; j++) {
          a[j] *= v[off + j];
        }
        return;
      case MAX:
        for (int j = 0; j < n; j++) {
          a[j] = Math.max(a[j], v[off + j]);
        }
        return;
      case MIN:
        for (int j = 0; j < n; j++) {
          a[j] = Math.min(a[j], v[off + j]);
        }
        return;
      default:
        throw new IllegalStateException(acc.name());
    }
  }
}

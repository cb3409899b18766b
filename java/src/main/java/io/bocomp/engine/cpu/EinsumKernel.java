package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import io.bocomp.model.op.EinsumEquation;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Einsum of one or two operands ({@link EinsumEquation}), reduced to rearrangements and one
 * batched SGEMM.
 *
 * <p>First every size-1 dimension whose letter is larger elsewhere (a broadcast) is dropped from
 * its operand: the operand is constant along it. Then, for two operands, each letter is a batch
 * letter (in both operands and the output), a row letter (left operand and output), a column
 * letter (right operand and output), a contracted letter (both operands, not the output) or a
 * letter summed within one operand (one operand only, not the output). The product is
 * {@code [batch, rows, k] x [batch, k, cols] -> [batch, rows, cols]}, one SGEMM per batch
 * ({@link GemmKernel#batched}). An operand already laid out as {@code [batch, rows, k]} or
 * {@code [batch, k, rows]} (resp. {@code [batch, k, cols]} or {@code [batch, cols, k]}) is read in
 * place, transposed through the GEMM flags if need be, and the output is written in place when its
 * letters are {@code [batch, rows, cols]}; otherwise the kernel copies the operand (summing its
 * own summed letters) or the product into its own buffers. Of the two role assignments (which
 * operand is the left one) and the two orders of the contracted letters (as in either operand)
 * the kernel picks the one that copies the fewest elements, so the forms transformers export
 * ({@code bhid,bhjd->bhij}, {@code bhij,bhjd->bhid}, {@code bij,bjk->bik}, {@code bi,bi->b},
 * {@code i,j->ij}) copy nothing. A product of one row by one column per batch ({@code bi,bi->b},
 * element-wise products) runs as plain dot products instead of one tiny SGEMM per batch.
 *
 * <p>One operand: a strided gather into the output's order, summing the letters the output
 * lacks. Limits: those of {@link EinsumEquation} (no diagonals, at most two operands).
 */
final class EinsumKernel implements Kernel {
  /** A single-operand rearrangement, or null for two operands. */
  private final Rearrange single;
  private final boolean swap;
  private final Rearrange prepLeft;
  private final Rearrange prepRight;
  private final GemmKernel gemm;
  private final boolean gemmRuns;
  /** One row times one column per batch: batched dot products, without BLAS. */
  private final boolean dot;
  private final int batches;
  private final int k;
  private final Rearrange post;
  private final FloatBuffer left;
  private final FloatBuffer right;
  private final FloatBuffer product;
  private final String description;
  private final FloatBuffer[] gemmIn = new FloatBuffer[2];
  private final FloatBuffer[] gemmOut = new FloatBuffer[1];

  private EinsumKernel(Rearrange single) {
    this.single = single;
    this.swap = false;
    this.prepLeft = null;
    this.prepRight = null;
    this.gemm = null;
    this.gemmRuns = false;
    this.dot = false;
    this.batches = 0;
    this.k = 0;
    this.post = null;
    this.left = null;
    this.right = null;
    this.product = null;
    this.description = "Einsum(rearrange)";
  }

  private EinsumKernel(Plan p) {
    this.single = null;
    this.swap = p.swap;
    this.prepLeft = p.prepLeft;
    this.prepRight = p.prepRight;
    this.gemm = GemmKernel.batched(p.batches, p.m, p.n, p.k, p.ta, p.tb);
    this.gemmRuns = (long) p.batches * p.m * p.n > 0;
    this.dot = p.m == 1 && p.n == 1;
    this.batches = p.batches;
    this.k = p.k;
    this.post = p.post;
    this.left = p.prepLeft == null ? null : Tensor.allocate(p.batches * p.m * p.k);
    this.right = p.prepRight == null ? null : Tensor.allocate(p.batches * p.k * p.n);
    this.product = p.post == null ? null : Tensor.allocate(p.batches * p.m * p.n);
    this.description = "Einsum(" + p.batches + " x [" + p.m + "x" + p.k + (p.ta ? "^T" : "")
        + "] * [" + p.k + "x" + p.n + (p.tb ? "^T" : "") + "]" + (dot ? " as dots" : "")
        + (p.swap ? ", operands swapped" : "") + ", copies:" + (p.prepLeft != null ? " left" : "")
        + (p.prepRight != null ? " right" : "") + (p.post != null ? " output" : "")
        + (p.cost == 0 ? " none" : "") + ")";
  }

  /** The plan, e.g. {@code Einsum(8 x [7x8] * [8x7^T], copies: none)}, for tests and logs. */
  @Override
  public String toString() {
    return description;
  }

  static Kernel create(KernelSpec spec) {
    int n = spec.node.inputs().size();
    int[][] shapes = new int[n][];
    int[] ranks = new int[n];
    for (int i = 0; i < n; i++) {
      shapes[i] = spec.in(i);
      ranks[i] = shapes[i].length;
    }
    EinsumEquation eq = EinsumEquation.of(spec.node, ranks);
    Map<Character, Integer> size = eq.sizes(spec.node, shapes);
    char[] out = eq.output();
    Operand[] ops = new Operand[n];
    for (int i = 0; i < n; i++) {
      ops[i] = Operand.of(eq.input(i), shapes[i], size);
    }
    if (n == 1) {
      return new EinsumKernel(Rearrange.of(ops[0], out, ops[0].missing(out)));
    }
    Plan best = null;
    for (boolean swap : new boolean[] {false, true}) {
      for (boolean kFromLeft : new boolean[] {true, false}) {
        Plan p = new Plan(swap ? ops[1] : ops[0], swap ? ops[0] : ops[1], out, size, kFromLeft);
        p.swap = swap;
        if (best == null || p.cost < best.cost) {
          best = p;
        }
      }
    }
    return new EinsumKernel(best);
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    if (single != null) {
      single.run(in[0], out[0], pool);
      return;
    }
    FloatBuffer l = swap ? in[1] : in[0];
    FloatBuffer r = swap ? in[0] : in[1];
    if (prepLeft != null) {
      prepLeft.run(l, left, pool);
      l = left;
    }
    if (prepRight != null) {
      prepRight.run(r, right, pool);
      r = right;
    }
    FloatBuffer y = post != null ? product : out[0];
    if (dot) {
      dots(l, r, y, pool);
    } else if (gemmRuns) {
      gemmIn[0] = l;
      gemmIn[1] = r;
      gemmOut[0] = y;
      gemm.run(gemmIn, gemmOut, pool);
    }
    if (post != null) {
      post.run(product, out[0], pool);
    }
  }

  /** {@code y[t] = sum_i l[t * k + i] * r[t * k + i]}, batches in parallel, staged in strips. */
  private void dots(FloatBuffer l, FloatBuffer r, FloatBuffer y, WorkerPool pool) {
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, k));
    Strips.forRange(pool, batches, grain, (t0, t1, w) -> {
      Scratch s = pool.scratch(w);
      float[] a = s.floats(Scratch.ROW_B, Strips.STRIP);
      float[] b = s.floats(Scratch.ROW_C, Strips.STRIP);
      for (int t = t0; t < t1; t++) {
        float acc = 0f;
        for (int st = 0; st < k; st += Strips.STRIP) {
          int len = Math.min(Strips.STRIP, k - st);
          l.get(t * k + st, a, 0, len);
          r.get(t * k + st, b, 0, len);
          for (int i = 0; i < len; i++) {
            acc += a[i] * b[i];
          }
        }
        y.put(t, acc);
      }
    });
  }

  @Override
  public void reserve(Scratch s) {
    if (dot) {
      s.floats(Scratch.ROW_B, Strips.STRIP);
      s.floats(Scratch.ROW_C, Strips.STRIP);
    }
    for (Rearrange r : new Rearrange[] {single, prepLeft, prepRight, post}) {
      if (r != null) {
        r.reserve(s);
      }
    }
    if (gemm != null) {
      gemm.reserve(s);
    }
  }

  /** An operand's letters, sizes and element strides, its broadcast size-1 dimensions dropped. */
  private static final class Operand {
    final String letters;
    final int[] dims;
    final int[] strides;
    final int size;

    private Operand(String letters, int[] dims, int[] strides, int size) {
      this.letters = letters;
      this.dims = dims;
      this.strides = strides;
      this.size = size;
    }

    static Operand of(char[] letters, int[] shape, Map<Character, Integer> size) {
      StringBuilder l = new StringBuilder();
      List<int[]> kept = new ArrayList<>();
      int stride = 1;
      for (int d = shape.length - 1; d >= 0; d--) {
        if (!(shape[d] == 1 && size.get(letters[d]) != 1)) {
          l.insert(0, letters[d]);
          kept.add(0, new int[] {shape[d], stride});
        }
        stride *= shape[d];
      }
      int[] dims = new int[kept.size()];
      int[] strides = new int[kept.size()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = kept.get(i)[0];
        strides[i] = kept.get(i)[1];
      }
      return new Operand(l.toString(), dims, strides, Tensor.checkedSize(shape));
    }

    boolean has(char c) {
      return letters.indexOf(c) >= 0;
    }

    /** This operand's letters that {@code keep} lacks, in this operand's order. */
    String missing(char[] keep) {
      StringBuilder b = new StringBuilder();
      for (char c : letters.toCharArray()) {
        if (new String(keep).indexOf(c) < 0) {
          b.append(c);
        }
      }
      return b.toString();
    }
  }

  /** One way to run a two-operand Einsum as a batched GEMM, and what it copies. */
  private static final class Plan {
    boolean swap;
    final int batches;
    final int m;
    final int n;
    final int k;
    final boolean ta;
    final boolean tb;
    final Rearrange prepLeft;
    final Rearrange prepRight;
    final Rearrange post;
    final long cost;

    Plan(Operand l, Operand r, char[] out, Map<Character, Integer> size, boolean kFromLeft) {
      String o = new String(out);
      StringBuilder batch = new StringBuilder();
      StringBuilder rows = new StringBuilder();
      StringBuilder cols = new StringBuilder();
      for (char c : out) {
        if (l.has(c) && r.has(c)) {
          batch.append(c);
        } else if (l.has(c)) {
          rows.append(c);
        } else if (r.has(c)) {
          cols.append(c);
        }
      }
      StringBuilder inner = new StringBuilder();
      for (char c : (kFromLeft ? l : r).letters.toCharArray()) {
        if (l.has(c) && r.has(c) && o.indexOf(c) < 0) {
          inner.append(c);
        }
      }
      String b = batch.toString();
      String mm = rows.toString();
      String nn = cols.toString();
      String kk = inner.toString();
      this.batches = product(b, size);
      this.m = product(mm, size);
      this.n = product(nn, size);
      this.k = product(kk, size);
      String leftSums = l.missing((b + mm + kk).toCharArray());
      String rightSums = r.missing((b + kk + nn).toCharArray());
      long c = 0;
      if (leftSums.isEmpty() && l.letters.equals(b + mm + kk)) {
        ta = false;
        prepLeft = null;
      } else if (leftSums.isEmpty() && l.letters.equals(b + kk + mm)) {
        ta = true;
        prepLeft = null;
      } else {
        ta = false;
        prepLeft = Rearrange.of(l, (b + mm + kk).toCharArray(), leftSums);
        c += l.size + (long) batches * m * k;
      }
      if (rightSums.isEmpty() && r.letters.equals(b + kk + nn)) {
        tb = false;
        prepRight = null;
      } else if (rightSums.isEmpty() && r.letters.equals(b + nn + kk)) {
        tb = true;
        prepRight = null;
      } else {
        tb = false;
        prepRight = Rearrange.of(r, (b + kk + nn).toCharArray(), rightSums);
        c += r.size + (long) batches * k * n;
      }
      if (o.equals(b + mm + nn)) {
        post = null;
      } else {
        String prod = b + mm + nn;
        int[] dims = new int[prod.length()];
        int[] strides = new int[prod.length()];
        int stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
          dims[i] = size.get(prod.charAt(i));
          strides[i] = stride;
          stride *= dims[i];
        }
        post = Rearrange.of(new Operand(prod, dims, strides, stride), out, "");
        c += 2L * batches * m * n;
      }
      this.cost = c;
    }

    private static int product(String letters, Map<Character, Integer> size) {
      long p = 1;
      for (char c : letters.toCharArray()) {
        p *= size.get(c);
      }
      return Math.toIntExact(p);
    }
  }

  /**
   * {@code dst[t...] = sum over s... of src[t..., s...]}: a strided gather of a source into the
   * order of the target letters, summing the listed letters. Adjacent target dimensions that are
   * contiguous in the source merge, so a pure reordering copies whole runs where it can; rows of
   * the target run in parallel.
   */
  private static final class Rearrange {
    private final int[] dims;
    private final int[] strides;
    private final int[] sumDims;
    private final int[] sumStrides;
    private final int rows;
    private final int inner;
    private final int innerStride;
    private final int sums;

    private Rearrange(int[] dims, int[] strides, int[] sumDims, int[] sumStrides) {
      this.dims = dims;
      this.strides = strides;
      this.sumDims = sumDims;
      this.sumStrides = sumStrides;
      int last = dims.length - 1;
      this.inner = dims[last];
      this.innerStride = strides[last];
      int r = 1;
      for (int i = 0; i < last; i++) {
        r *= dims[i];
      }
      this.rows = r;
      int s = 1;
      for (int d : sumDims) {
        s *= d;
      }
      this.sums = s;
    }

    static Rearrange of(Operand src, char[] target, String summed) {
      int[] d = new int[Math.max(1, target.length)];
      int[] s = new int[d.length];
      int k = 0;
      for (char c : target) {
        int i = src.letters.indexOf(c);
        int dim = i < 0 ? 1 : src.dims[i];
        int stride = i < 0 ? 0 : src.strides[i];
        if (dim == 1) {
          continue;
        }
        if (k > 0 && s[k - 1] == stride * dim) {
          d[k - 1] *= dim;
          s[k - 1] = stride;
        } else {
          d[k] = dim;
          s[k] = stride;
          k++;
        }
      }
      if (k == 0) {
        d[0] = 1;
        s[0] = 0;
        k = 1;
      }
      int[] sd = new int[summed.length()];
      int[] ss = new int[summed.length()];
      for (int j = 0; j < sd.length; j++) {
        int i = src.letters.indexOf(summed.charAt(j));
        sd[j] = src.dims[i];
        ss[j] = src.strides[i];
      }
      return new Rearrange(java.util.Arrays.copyOf(d, k), java.util.Arrays.copyOf(s, k), sd, ss);
    }

    void reserve(Scratch s) {
      s.floats(Scratch.ROW_A, inner);
    }

    void run(FloatBuffer src, FloatBuffer dst, WorkerPool pool) {
      if (sums == 0) {
        zero(dst, pool);
        return;
      }
      int grain = Math.max(1, Strips.GRAIN / Math.max(1, inner * sums));
      Strips.forRange(pool, rows, grain, (r0, r1, w) -> {
        float[] row = pool.scratch(w).floats(Scratch.ROW_A, inner);
        int[] idx = new int[sumDims.length];
        for (int r = r0; r < r1; r++) {
          int base = 0;
          int rem = r;
          for (int i = dims.length - 2; i >= 0; i--) {
            base += (rem % dims[i]) * strides[i];
            rem /= dims[i];
          }
          if (sumDims.length == 0) {
            if (innerStride == 1) {
              dst.put(r * inner, src, base, inner);
              continue;
            }
            for (int j = 0; j < inner; j++) {
              row[j] = src.get(base + j * innerStride);
            }
          } else {
            for (int j = 0; j < inner; j++) {
              row[j] = sum(src, base + j * innerStride, idx);
            }
          }
          dst.put(r * inner, row, 0, inner);
        }
      });
    }

    /** The sum over the summed letters from element {@code off}. */
    private float sum(FloatBuffer src, int off, int[] idx) {
      java.util.Arrays.fill(idx, 0);
      int last = sumDims.length - 1;
      float acc = 0f;
      int o = off;
      while (true) {
        if (sumStrides[last] == 1) {
          for (int i = 0; i < sumDims[last]; i++) {
            acc += src.get(o + i);
          }
        } else {
          for (int i = 0; i < sumDims[last]; i++) {
            acc += src.get(o + i * sumStrides[last]);
          }
        }
        int d = last - 1;
        while (d >= 0) {
          idx[d]++;
          o += sumStrides[d];
          if (idx[d] < sumDims[d]) {
            break;
          }
          o -= idx[d] * sumStrides[d];
          idx[d] = 0;
          d--;
        }
        if (d < 0) {
          return acc;
        }
      }
    }

    private void zero(FloatBuffer dst, WorkerPool pool) {
      int total = rows * inner;
      pool.parallelFor(1, (t, w) -> {
        for (int i = 0; i < total; i++) {
          dst.put(i, 0f);
        }
      });
    }
  }
}

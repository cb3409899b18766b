package io.bocomp.bo.model;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Cholesky factor {@code A + jitter·I = L·Lᵀ} of a symmetric positive definite matrix, kept in two
 * row-major copies ({@code L} and {@code U = Lᵀ}) so that both triangular solves and the inverse run
 * as contiguous {@code axpy} loops the JIT vectorizes. Storage has a capacity larger than {@code n}
 * so {@link #append} can border the factor with one new row in {@code O(n²)} (the incremental update
 * used between hyperparameter refits) without refactoring in {@code O(n³)}.
 *
 * <p>Jitter escalation: {@link #factor} first tries {@code jitter = 0}, then {@code 10⁻⁸ … 10⁻²}
 * times the mean diagonal (8 attempts in all), and throws {@link ModelFittingException} when every
 * attempt fails. The chosen jitter is kept and also added to the diagonal of appended rows. The
 * sequence of attempts is deterministic, so a factor is a pure function of its input.
 *
 * <p>Not thread-safe for mutation; concurrent read-only solves with caller-owned buffers are safe.
 */
public final class CholeskyFactor {
  /** Jitter levels relative to the mean diagonal, tried in order. */
  private static final double[] RELATIVE_JITTER = {0, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2};

  private int n;
  private int cap;
  private double[] lower;
  private double[] upper;
  private double jitter;

  private CholeskyFactor(int n, int cap, double[] lower, double[] upper, double jitter) {
    this.n = n;
    this.cap = cap;
    this.lower = lower;
    this.upper = upper;
    this.jitter = jitter;
  }

  /**
   * Factors the symmetric matrix {@code a} ({@code n×n}, row-major, only the upper triangle is read)
   * with escalating jitter.
   *
   * @param capacity row capacity reserved for later {@link #append}s, at least {@code n}
   * @throws ModelFittingException when the matrix is not positive definite even with 1e-2 relative
   *     jitter, or has non-finite entries
   */
  public static CholeskyFactor factor(double[] a, int n, int capacity) {
    return factor(a, n, capacity, null);
  }

  /**
   * As {@link #factor(double[], int, int)}, reusing the storage of {@code reuse} (which becomes
   * invalid) when it is large enough; for callers that factor many matrices of one size in a row.
   */
  public static CholeskyFactor factor(double[] a, int n, int capacity, CholeskyFactor reuse) {
    double meanDiag = 0;
    for (int i = 0; i < n; i++) {
      meanDiag += a[i * n + i];
    }
    meanDiag = n == 0 ? 1 : meanDiag / n;
    if (!(meanDiag > 0) || Double.isInfinite(meanDiag)) {
      throw new ModelFittingException(
          "kernel matrix of " + n + " points has a non-positive or non-finite diagonal (mean " + meanDiag + ")");
    }
    int cap = Math.max(capacity, n);
    boolean reusable = reuse != null && reuse.cap >= cap;
    cap = reusable ? reuse.cap : cap;
    double[] u = reusable ? reuse.upper : new double[cap * cap];
    double[] panel = new double[4 * n];
    for (double rel : RELATIVE_JITTER) {
      double jit = rel * meanDiag;
      for (int i = 0; i < n; i++) {
        System.arraycopy(a, i * n + i, u, i * cap + i, n - i);
        u[i * cap + i] += jit;
      }
      if (factorUpperInPlace(u, n, cap, panel)) {
        double[] l = reusable ? reuse.lower : new double[cap * cap];
        for (int i = 0; i < n; i++) {
          for (int j = i; j < n; j++) {
            l[j * cap + i] = u[i * cap + j];
          }
        }
        if (reusable) {
          reuse.n = n;
          reuse.jitter = jit;
          return reuse;
        }
        return new CholeskyFactor(n, cap, l, u, jit);
      }
    }
    throw new ModelFittingException(
        "kernel matrix of " + n + " points is not positive definite even with jitter "
            + RELATIVE_JITTER[RELATIVE_JITTER.length - 1] * meanDiag + " (1e-2 of its mean diagonal)");
  }

  /**
   * Right-looking Cholesky on the upper triangle in panels of four rows: the panel is factored
   * row by row, copied aside, and every later row {@code i} then gets
   * {@code row_i −= Σ_q U_qi · row_q} over the four panel rows at once, a contiguous loop that reads
   * and writes the trailing matrix once per four multiply-adds. {@code n³/6} multiply-adds.
   * Returns false on a non-positive (or NaN) pivot.
   */
  private static boolean factorUpperInPlace(double[] u, int n, int cap, double[] panel) {
    for (int k0 = 0; k0 < n; k0 += 4) {
      int kb = Math.min(4, n - k0);
      for (int k = k0; k < k0 + kb; k++) {
        int rk = k * cap;
        double pivot = u[rk + k];
        if (!(pivot > 0) || pivot == Double.POSITIVE_INFINITY) {
          return false;
        }
        double ukk = Math.sqrt(pivot);
        u[rk + k] = ukk;
        double inv = 1.0 / ukk;
        for (int j = k + 1; j < n; j++) {
          u[rk + j] *= inv;
        }
        for (int i = k + 1; i < k0 + kb; i++) {
          double sv = u[rk + i];
          int ri = i * cap;
          for (int j = i; j < n; j++) {
            u[ri + j] -= sv * u[rk + j];
          }
        }
      }
      if (k0 + kb >= n) {
        break;
      }
      for (int q = 0; q < 4; q++) {
        System.arraycopy(u, (k0 + q) * cap, panel, q * n, n);
      }
      int p1 = n;
      int p2 = 2 * n;
      int p3 = 3 * n;
      for (int i = k0 + 4; i < n; i++) {
        double s0 = panel[i];
        double s1 = panel[p1 + i];
        double s2 = panel[p2 + i];
        double s3 = panel[p3 + i];
        int ri = i * cap;
        for (int j = i; j < n; j++) {
          u[ri + j] -= s0 * panel[j] + s1 * panel[p1 + j] + s2 * panel[p2 + j] + s3 * panel[p3 + j];
        }
      }
    }
    return true;
  }

  /** Dimension {@code n}. */
  public int size() {
    return n;
  }

  /** The jitter added to the diagonal (absolute, not relative). */
  public double jitter() {
    return jitter;
  }

  /** {@code L[i][j]} for {@code j ≤ i}. */
  public double lower(int i, int j) {
    return lower[i * cap + j];
  }

  /** {@code log det(A + jitter·I) = 2 Σ log L_ii}. */
  public double logDeterminant() {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += Math.log(upper[i * cap + i]);
    }
    return 2 * s;
  }

  /**
   * Borders the factor with one row: the matrix grows by the row {@code cross} (covariances of the
   * new point with the {@code n} old ones) and the diagonal entry {@code diagonal} (the factor's
   * jitter is added to it). {@code O(n²)}.
   *
   * @return false, leaving the factor unchanged, when the new Schur complement is not positive (the
   *     caller must refactor with more jitter)
   */
  public boolean append(double[] cross, double diagonal) {
    double[] row = Arrays.copyOf(cross, n);
    solveLowerInPlace(row);
    double ss = 0;
    for (int i = 0; i < n; i++) {
      ss += row[i] * row[i];
    }
    double schur = diagonal + jitter - ss;
    if (!(schur > 0) || Double.isInfinite(schur)) {
      return false;
    }
    if (n + 1 > cap) {
      grow(Math.max(2 * cap, 8));
    }
    int rn = n * cap;
    for (int j = 0; j < n; j++) {
      lower[rn + j] = row[j];
      upper[j * cap + n] = row[j];
    }
    double lnn = Math.sqrt(schur);
    lower[rn + n] = lnn;
    upper[rn + n] = lnn;
    n++;
    return true;
  }

  private void grow(int newCap) {
    double[] l = new double[newCap * newCap];
    double[] u = new double[newCap * newCap];
    for (int i = 0; i < n; i++) {
      System.arraycopy(lower, i * cap, l, i * newCap, i + 1);
      System.arraycopy(upper, i * cap + i, u, i * newCap + i, n - i);
    }
    lower = l;
    upper = u;
    cap = newCap;
  }

  /** A deep copy with room for {@code extraCapacity} more appended rows. */
  public CholeskyFactor copy(int extraCapacity) {
    int newCap = Math.max(cap, n + extraCapacity);
    CholeskyFactor c = new CholeskyFactor(n, newCap, new double[newCap * newCap], new double[newCap * newCap], jitter);
    for (int i = 0; i < n; i++) {
      System.arraycopy(lower, i * cap, c.lower, i * newCap, i + 1);
      System.arraycopy(upper, i * cap + i, c.upper, i * newCap + i, n - i);
    }
    return c;
  }

  /** Solves {@code L·v = b} in place (forward substitution, column-oriented over rows of U). */
  public void solveLowerInPlace(double[] b) {
    for (int j = 0; j < n; j++) {
      int rj = j * cap;
      double vj = b[j] / upper[rj + j];
      b[j] = vj;
      if (vj == 0) {
        continue;
      }
      for (int i = j + 1; i < n; i++) {
        b[i] -= vj * upper[rj + i];
      }
    }
  }

  /** Solves {@code Lᵀ·w = b} in place (back substitution, column-oriented over rows of L). */
  public void solveUpperInPlace(double[] b) {
    for (int i = n - 1; i >= 0; i--) {
      int ri = i * cap;
      double wi = b[i] / lower[ri + i];
      b[i] = wi;
      if (wi == 0) {
        continue;
      }
      for (int j = 0; j < i; j++) {
        b[j] -= wi * lower[ri + j];
      }
    }
  }

  /**
   * Solves {@code L·V = B} in place for {@code m} right-hand sides stored as {@code B} ({@code n×m},
   * row-major, row stride {@code m}), four rows at a time: the four solved rows are copied aside
   * and subtracted from every later row in one contiguous pass of length {@code m}. Suits batches of
   * candidate points.
   */
  public void solveLowerInPlace(double[] b, int m) {
    double[] piv = new double[4 * m];
    for (int j0 = 0; j0 < n; j0 += 4) {
      int jb = Math.min(4, n - j0);
      for (int jj = j0; jj < j0 + jb; jj++) {
        int rj = jj * cap;
        double inv = 1.0 / upper[rj + jj];
        int bj = jj * m;
        for (int c = 0; c < m; c++) {
          b[bj + c] *= inv;
        }
        for (int ii = jj + 1; ii < j0 + jb; ii++) {
          double sv = upper[rj + ii];
          int bi = ii * m;
          for (int c = 0; c < m; c++) {
            b[bi + c] -= sv * b[bj + c];
          }
        }
      }
      if (j0 + jb >= n) {
        break;
      }
      System.arraycopy(b, j0 * m, piv, 0, 4 * m);
      int r0 = j0 * cap;
      int r1 = r0 + cap;
      int r2 = r1 + cap;
      int r3 = r2 + cap;
      int q1 = m;
      int q2 = 2 * m;
      int q3 = 3 * m;
      for (int i = j0 + 4; i < n; i++) {
        double a0 = upper[r0 + i];
        double a1 = upper[r1 + i];
        double a2 = upper[r2 + i];
        double a3 = upper[r3 + i];
        int bi = i * m;
        for (int c = 0; c < m; c++) {
          b[bi + c] -= a0 * piv[c] + a1 * piv[q1 + c] + a2 * piv[q2 + c] + a3 * piv[q3 + c];
        }
      }
    }
  }

  /**
   * The full symmetric inverse {@code (A + jitter·I)⁻¹} as an {@code n×n} row-major array: first
   * {@code Y = L⁻¹}, then {@code Yᵀ·Y} as a sum of rank-four updates; {@code n³/3} multiply-adds in
   * contiguous loops that touch their target once per four multiply-adds. From
   * {@value #PARALLEL_INVERSE_FROM} rows up, each phase is split in two independent halves run on
   * the common fork-join pool: the columns of {@code Y} (each depends only on its own column of
   * earlier rows) and the rows of the product; the arithmetic per entry is the same either way, so
   * the result does not depend on the split.
   *
   * @param out an array of at least {@code n²} entries to reuse, or null
   * @param scratch an array of at least {@code n²} entries to reuse, or null
   */
  public double[] inverse(double[] out, double[] scratch) {
    int nn = n * n;
    double[] y = scratch != null && scratch.length >= nn ? scratch : new double[nn];
    double[] r = out != null && out.length >= nn ? out : new double[nn];
    Arrays.fill(y, 0, nn, 0.0);
    Arrays.fill(r, 0, nn, 0.0);
    // the work of column (phase 1) or row (phase 2) j grows like (n − j)²: split where halves are equal
    int split = (int) (n * (1 - Math.cbrt(0.5)));
    if (n >= PARALLEL_INVERSE_FROM) {
      ForkJoinTask<?> t = ForkJoinPool.commonPool().submit(() -> invertLower(y, split, n));
      invertLower(y, 0, split);
      t.join();
      t = ForkJoinPool.commonPool().submit(() -> gram(y, r, split, n));
      gram(y, r, 0, split);
      t.join();
    } else {
      invertLower(y, 0, n);
      gram(y, r, 0, n);
    }
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        r[b * n + a] = r[a * n + b];
      }
    }
    return r;
  }

  /** Matrices from this size up are inverted by two threads. */
  static final int PARALLEL_INVERSE_FROM = 96;

  /** Columns {@code [c0, c1)} of {@code Y = L⁻¹} (row-major {@code n×n}, zero above the diagonal). */
  private void invertLower(double[] y, int c0, int c1) {
    double[] tmp = new double[n];
    for (int i = c0; i < n; i++) {
      int ri = i * cap;
      int hi = Math.min(c1, i);
      Arrays.fill(tmp, c0, Math.max(c0, hi), 0.0);
      int k = c0;
      for (; k + 3 < i; k += 4) {
        double l0 = lower[ri + k];
        double l1 = lower[ri + k + 1];
        double l2 = lower[ri + k + 2];
        double l3 = lower[ri + k + 3];
        int y0 = k * n;
        int y1 = y0 + n;
        int y2 = y1 + n;
        int y3 = y2 + n;
        int top = Math.min(hi, k + 4);
        for (int j = c0; j < top; j++) {
          tmp[j] += l0 * y[y0 + j] + l1 * y[y1 + j] + l2 * y[y2 + j] + l3 * y[y3 + j];
        }
      }
      for (; k < i; k++) {
        double lik = lower[ri + k];
        int yk = k * n;
        int top = Math.min(hi, k + 1);
        for (int j = c0; j < top; j++) {
          tmp[j] += lik * y[yk + j];
        }
      }
      double inv = 1.0 / lower[ri + i];
      int yi = i * n;
      for (int j = c0; j < hi; j++) {
        y[yi + j] = -tmp[j] * inv;
      }
      if (i < c1) {
        y[yi + i] = inv;
      }
    }
  }

  /** Rows {@code [a0, a1)} of the upper triangle of {@code Yᵀ·Y} accumulated into {@code r}. */
  private void gram(double[] y, double[] r, int a0, int a1) {
    int k = 0;
    for (; k + 3 < n; k += 4) {
      int y0 = k * n;
      int y1 = y0 + n;
      int y2 = y1 + n;
      int y3 = y2 + n;
      int top = k + 3;
      int end = Math.min(a1, top + 1);
      for (int a = a0; a < end; a++) {
        double s0 = y[y0 + a];
        double s1 = y[y1 + a];
        double s2 = y[y2 + a];
        double s3 = y[y3 + a];
        int ra = a * n;
        for (int b = a; b <= top; b++) {
          r[ra + b] += s0 * y[y0 + b] + s1 * y[y1 + b] + s2 * y[y2 + b] + s3 * y[y3 + b];
        }
      }
    }
    for (; k < n; k++) {
      int yk = k * n;
      int end = Math.min(a1, k + 1);
      for (int a = a0; a < end; a++) {
        double yka = y[yk + a];
        int ra = a * n;
        for (int b = a; b <= k; b++) {
          r[ra + b] += yka * y[yk + b];
        }
      }
    }
  }

  /** See {@link #inverse(double[], double[])}. */
  public double[] inverse(double[] out) {
    return inverse(out, null);
  }
}

package io.bocomp.engine.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasUpper;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_ssyrk;

import io.bocomp.engine.OpenBlasThreads;
import java.nio.FloatBuffer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.presets.openblas_nolapack;

/**
 * The engine's door to OpenBLAS (JavaCPP preset): row-major SGEMM on direct buffers at element
 * offsets, with the operand extents checked first (a wrong offset is an exception here, not a JVM
 * crash in native code), and a process-wide setting that keeps OpenBLAS single-threaded while any
 * {@link CpuBackend} is open.
 *
 * <p>Why single-threaded: the engine parallelizes in Java, giving each worker whole GEMM tiles
 * (im2col and GEMM of one tile run on one core, cache-hot). Several workers calling a
 * multi-threaded OpenBLAS at once would oversubscribe the cores. Why per backend and not per run:
 * changing OpenBLAS's thread count through the preset costs about half a millisecond, more than a
 * whole batch-1 forward pass of a small CNN. Code that needs multi-threaded OpenBLAS meanwhile
 * (a large SVD, say) may raise the count for its call and set it back; engine results stay
 * correct, only slower, while it is above 1.
 *
 * <p>The LAPACK routines the CPU decompositions use ({@link #sgesdd}, {@link #sgeqrf},
 * {@link #sorgqr}, {@link #ssyevd}) are here too, column-major as LAPACK has them, with the same
 * extent checks; they return LAPACK's {@code info} for the caller to turn into its own error.
 * Limits: float32 only; every operand a direct buffer; LAPACK operands start at element 0 of
 * their buffers.
 */
public final class Blas {

  private Blas() {}

  /**
   * {@code C[m x n] = alpha * op(A) * op(B) + beta * C}, row-major, operands starting at the given
   * element offsets of direct buffers.
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      FloatBuffer a, int aOff, int lda, FloatBuffer b, int bOff, int ldb, float beta,
      FloatBuffer c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    checkExtent("A", a, aOff, transA ? k : m, transA ? m : k, lda);
    checkExtent("B", b, bOff, transB ? n : k, transB ? k : n, ldb);
    checkExtent("C", c, cOff, m, n, ldc);
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, at(a, aOff), lda, at(b, bOff), ldb,
        beta, at(c, cOff), ldc);
  }

  /**
   * {@code y[rows of op(A)] = alpha * op(A) * x + beta * y} for a row-major {@code m x n} matrix
   * {@code A} and unit-stride vectors: the M = 1 case of a GEMM, which SGEMM handles poorly (it
   * packs the whole matrix for one row of output).
   */
  public static void sgemv(boolean transA, int m, int n, float alpha, FloatBuffer a, int aOff, int lda,
      FloatBuffer x, int xOff, float beta, FloatBuffer y, int yOff) {
    if (m == 0 || n == 0) {
      return;
    }
    checkExtent("A", a, aOff, m, n, lda);
    checkExtent("x", x, xOff, 1, transA ? m : n, transA ? m : n);
    checkExtent("y", y, yOff, 1, transA ? n : m, transA ? n : m);
    cblas_sgemv(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, m, n, alpha, at(a, aOff), lda,
        at(x, xOff), 1, beta, at(y, yOff), 1);
  }

  /**
   * {@code C[n x n] = alpha * A * A^T + beta * C} for a row-major {@code n x k} matrix {@code A}
   * (SSYRK, no transpose); only the upper triangle of {@code C} is written.
   */
  public static void ssyrkUpper(int n, int k, float alpha, FloatBuffer a, int aOff, int lda,
      float beta, FloatBuffer c, int cOff, int ldc) {
    if (n == 0) {
      return;
    }
    checkExtent("ssyrk", "A", a, aOff, n, k, lda);
    checkExtent("ssyrk", "C", c, cOff, n, n, ldc);
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, k, alpha, at(a, aOff), lda, beta,
        at(c, cOff), ldc);
  }

  /**
   * Thin SVD of the column-major {@code m x n} matrix {@code a} (LAPACKE_sgesdd, job 'S', divide
   * and conquer; {@code a} is overwritten): {@code k = min(m, n)} singular values into {@code s},
   * U ({@code m x k}, leading dimension {@code ldu}) and V^T ({@code k x n}, {@code ldvt}).
   *
   * @return LAPACK's info (0: success, below 0: a bad argument, above 0: no convergence)
   */
  public static int sgesdd(int m, int n, FloatBuffer a, int lda, FloatBuffer s, FloatBuffer u,
      int ldu, FloatBuffer vt, int ldvt) {
    int k = Math.min(m, n);
    checkColumnMajor("sgesdd", "A", a, m, n, lda);
    checkColumnMajor("sgesdd", "S", s, k, 1, k);
    checkColumnMajor("sgesdd", "U", u, m, k, ldu);
    checkColumnMajor("sgesdd", "VT", vt, k, n, ldvt);
    return openblas.LAPACKE_sgesdd(openblas.LAPACK_COL_MAJOR, (byte) 'S', m, n, at(a, 0), lda,
        at(s, 0), at(u, 0), ldu, at(vt, 0), ldvt);
  }

  /**
   * QR factorization of the column-major {@code m x n} matrix {@code a} in place
   * (LAPACKE_sgeqrf): R above the diagonal, the Householder reflectors below it and their
   * {@code min(m, n)} scalars in {@code tau}.
   *
   * @return LAPACK's info (0: success)
   */
  public static int sgeqrf(int m, int n, FloatBuffer a, int lda, FloatBuffer tau) {
    checkColumnMajor("sgeqrf", "A", a, m, n, lda);
    checkColumnMajor("sgeqrf", "tau", tau, Math.min(m, n), 1, Math.min(m, n));
    return openblas.LAPACKE_sgeqrf(openblas.LAPACK_COL_MAJOR, m, n, at(a, 0), lda, at(tau, 0));
  }

  /**
   * The first {@code n} columns of Q from {@link #sgeqrf}'s {@code k} reflectors, in place of the
   * column-major {@code m x n} matrix {@code a} (LAPACKE_sorgqr; {@code m >= n >= k}).
   *
   * @return LAPACK's info (0: success)
   */
  public static int sorgqr(int m, int n, int k, FloatBuffer a, int lda, FloatBuffer tau) {
    checkColumnMajor("sorgqr", "A", a, m, n, lda);
    checkColumnMajor("sorgqr", "tau", tau, k, 1, k);
    return openblas.LAPACKE_sorgqr(openblas.LAPACK_COL_MAJOR, m, n, k, at(a, 0), lda, at(tau, 0));
  }

  /**
   * Eigenvalues (ascending, into {@code w}) and eigenvectors (the columns of {@code a}, in place)
   * of the symmetric column-major {@code n x n} matrix whose lower triangle is in {@code a}
   * (LAPACKE_ssyevd, job 'V', divide and conquer). A row-major upper triangle is the same bytes.
   *
   * @return LAPACK's info (0: success)
   */
  public static int ssyevdLower(int n, FloatBuffer a, int lda, FloatBuffer w) {
    checkColumnMajor("ssyevd", "A", a, n, n, lda);
    checkColumnMajor("ssyevd", "W", w, n, 1, n);
    return openblas.LAPACKE_ssyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'L', n, at(a, 0),
        lda, at(w, 0));
  }

  private static void checkExtent(String what, FloatBuffer buf, int off, int rows, int cols,
      int ld) {
    checkExtent("sgemm", what, buf, off, rows, cols, ld);
  }

  /** A column-major {@code rows x cols} operand at element 0: {@code cols} runs of {@code ld}. */
  private static void checkColumnMajor(String routine, String what, FloatBuffer buf, int rows,
      int cols, int ld) {
    checkExtent(routine, what, buf, 0, cols, rows, ld);
  }

  private static void checkExtent(String routine, String what, FloatBuffer buf, int off, int rows,
      int cols, int ld) {
    if (!buf.isDirect()) {
      throw new IllegalArgumentException(routine + " operand " + what + " is not a direct buffer");
    }
    long need = rows == 0 ? 0 : (long) (rows - 1) * ld + cols;
    if (off < 0 || ld < cols || off + need > buf.capacity()) {
      throw new IllegalArgumentException(routine + " operand " + what + " out of bounds: offset "
          + off + ", " + rows + "x" + cols + " with leading dimension " + ld + ", capacity "
          + buf.capacity());
    }
  }

  /** A view of {@code buf} whose position (which JavaCPP adds to the address) is {@code off}. */
  private static FloatBuffer at(FloatBuffer buf, int off) {
    FloatBuffer v = buf.duplicate();
    v.clear();
    v.position(off);
    return v;
  }

  /** A backend opens: the first one makes OpenBLAS single-threaded. */
  static void acquireSingleThreaded() {
    OpenBlasThreads.acquireSingleThreaded();
  }

  /** A backend closes: the last one restores OpenBLAS's thread count. */
  static void releaseSingleThreaded() {
    OpenBlasThreads.releaseSingleThreaded();
  }
}

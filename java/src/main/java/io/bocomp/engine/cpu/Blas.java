package io.bocomp.engine.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import io.bocomp.engine.OpenBlasThreads;
import java.nio.FloatBuffer;
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

  private static void checkExtent(String what, FloatBuffer buf, int off, int rows, int cols, int ld) {
    if (!buf.isDirect()) {
      throw new IllegalArgumentException("sgemm operand " + what + " is not a direct buffer");
    }
    long need = rows == 0 ? 0 : (long) (rows - 1) * ld + cols;
    if (off < 0 || ld < cols || off + need > buf.capacity()) {
      throw new IllegalArgumentException("sgemm operand " + what + " out of bounds: offset " + off
          + ", " + rows + "x" + cols + " with leading dimension " + ld + ", capacity "
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

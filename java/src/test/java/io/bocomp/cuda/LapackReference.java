package io.bocomp.cuda;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dsyevd;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sgesdd;
import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;

import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;

/**
 * The CPU reference the GPU results are compared with: LAPACK through the OpenBLAS preset
 * (LAPACKE_sgesdd for the SVD, as the CPU backend; LAPACKE_dsyevd for the Tucker Gram matrices).
 */
final class LapackReference {
  private LapackReference() {}

  /** Thin SVD by LAPACKE_sgesdd (float, divide and conquer). */
  static SvdFactors sgesdd(Tensor a) {
    int m = a.dim(0);
    int n = a.dim(1);
    int k = Math.min(m, n);
    Tensor copy = a.copy();
    Tensor s = Tensor.zeros(k);
    Tensor u = Tensor.zeros(m, k);
    Tensor vt = Tensor.zeros(k, n);
    int info = LAPACKE_sgesdd(LAPACK_ROW_MAJOR, (byte) 'S', m, n, copy.data(), n, s.data(),
        u.data(), k, vt.data(), n);
    if (info != 0) {
      throw new IllegalStateException("LAPACKE_sgesdd info " + info);
    }
    return new SvdFactors(u, s, vt);
  }

  /**
   * Eigenvalues of a symmetric n x n matrix (row-major, double), descending, by LAPACKE_dsyevd;
   * the matrix is overwritten with the eigenvectors (as columns, in ascending order).
   */
  static double[] eigenvaluesDescending(double[] sym, int n) {
    DoubleBuffer a = ByteBuffer.allocateDirect(8 * sym.length).order(ByteOrder.nativeOrder())
        .asDoubleBuffer();
    a.put(0, sym);
    DoubleBuffer w = ByteBuffer.allocateDirect(8 * n).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, (byte) 'N', (byte) 'L', n, a, n, w);
    if (info != 0) {
      throw new IllegalStateException("LAPACKE_dsyevd info " + info);
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = w.get(n - 1 - i);
    }
    return out;
  }
}

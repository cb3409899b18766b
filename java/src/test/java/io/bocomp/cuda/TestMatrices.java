package io.bocomp.cuda;

import io.bocomp.model.Tensor;
import java.util.SplittableRandom;

/** Seeded test matrices for the CPU-vs-CUDA tests. */
final class TestMatrices {
  private TestMatrices() {}

  static Tensor gaussian(long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] d = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextGaussian();
    }
    return Tensor.of(shape, d);
  }

  /**
   * Singular values with a clear gap: the leading max(1, k/4) between 10 and 7.5, the rest
   * log-spaced from 1 down to 0.1 (condition number 100), so the leading subspaces are well
   * defined and every value is resolvable to 1e-4 relative in float (float SVDs, LAPACK's
   * included, carry about eps * s_0 absolute error).
   */
  static double[] gappedSpectrum(int k) {
    int lead = Math.max(1, k / 4);
    double[] s = new double[k];
    for (int i = 0; i < k; i++) {
      if (i < lead) {
        s[i] = 10.0 * (1.0 - i / (4.0 * lead));
      } else {
        int rest = k - lead;
        s[i] = rest == 1 ? 1.0 : Math.pow(0.1, (i - lead) / (double) (rest - 1));
      }
    }
    return s;
  }

  /** A = Q1 diag(s) Q2^T with random orthonormal Q1 (m x k), Q2 (n x k), k = s.length. */
  static Tensor withSpectrum(int m, int n, double[] s, long seed) {
    int k = s.length;
    double[][] q1 = orthonormalColumns(m, k, seed);
    double[][] q2 = orthonormalColumns(n, k, seed + 1);
    float[] a = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double v = 0;
        for (int c = 0; c < k; c++) {
          v += q1[c][i] * s[c] * q2[c][j];
        }
        a[i * n + j] = (float) v;
      }
    }
    return Tensor.of(new int[] {m, n}, a);
  }

  /** k orthonormal vectors of length len (k <= len): Gaussian vectors, Gram-Schmidt twice. */
  static double[][] orthonormalColumns(int len, int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] q = new double[k][len];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < len; i++) {
        q[c][i] = r.nextGaussian();
      }
      for (int pass = 0; pass < 2; pass++) {
        for (int p = 0; p < c; p++) {
          double dot = 0;
          for (int i = 0; i < len; i++) {
            dot += q[p][i] * q[c][i];
          }
          for (int i = 0; i < len; i++) {
            q[c][i] -= dot * q[p][i];
          }
        }
      }
      double norm = 0;
      for (double x : q[c]) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < len; i++) {
        q[c][i] /= norm;
      }
    }
    return q;
  }
}

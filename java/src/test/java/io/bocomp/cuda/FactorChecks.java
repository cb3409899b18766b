package io.bocomp.cuda;

import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.model.Tensor;

/** Error measures for factorizations, all computed in double on the host. */
final class FactorChecks {
  private FactorChecks() {}

  /** ||A - U diag(s) Vt||_F / ||A||_F (0 for a zero matrix with zero error). */
  static double reconstructionError(Tensor a, SvdFactors f) {
    int m = a.dim(0);
    int n = a.dim(1);
    int k = f.s().size();
    float[] u = f.u().toFloatArray();
    float[] s = f.s().toFloatArray();
    float[] vt = f.vt().toFloatArray();
    float[] x = a.toFloatArray();
    double err = 0;
    double norm = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double v = 0;
        for (int c = 0; c < k; c++) {
          v += (double) u[i * k + c] * s[c] * vt[c * n + j];
        }
        double d = x[i * n + j] - v;
        err += d * d;
        norm += (double) x[i * n + j] * x[i * n + j];
      }
    }
    return norm == 0 ? Math.sqrt(err) : Math.sqrt(err / norm);
  }

  /** max |Q^T Q - I| over the columns of a row-major rows x cols matrix. */
  static double columnOrthonormalityError(Tensor q) {
    int rows = q.dim(0);
    int cols = q.dim(1);
    float[] d = q.toFloatArray();
    double worst = 0;
    for (int a = 0; a < cols; a++) {
      for (int b = a; b < cols; b++) {
        double dot = 0;
        for (int i = 0; i < rows; i++) {
          dot += (double) d[i * cols + a] * d[i * cols + b];
        }
        worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
      }
    }
    return worst;
  }

  /** max |Q Q^T - I| over the rows of a row-major rows x cols matrix. */
  static double rowOrthonormalityError(Tensor q) {
    return columnOrthonormalityError(transpose(q));
  }

  static Tensor transpose(Tensor q) {
    int rows = q.dim(0);
    int cols = q.dim(1);
    float[] d = q.toFloatArray();
    float[] t = new float[d.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = d[i * cols + j];
      }
    }
    return Tensor.of(new int[] {cols, rows}, t);
  }

  /**
   * Distance between the spans of the first r columns of two matrices with orthonormal columns:
   * ||B_r - A_r (A_r^T B_r)||_F = sqrt(sum of sin^2 of the principal angles).
   */
  static double subspaceDistance(Tensor a, Tensor b, int r) {
    int rows = a.dim(0);
    int ca = a.dim(1);
    int cb = b.dim(1);
    float[] x = a.toFloatArray();
    float[] y = b.toFloatArray();
    double[][] proj = new double[r][r];
    for (int p = 0; p < r; p++) {
      for (int q = 0; q < r; q++) {
        double dot = 0;
        for (int i = 0; i < rows; i++) {
          dot += (double) x[i * ca + p] * y[i * cb + q];
        }
        proj[p][q] = dot;
      }
    }
    double err = 0;
    for (int i = 0; i < rows; i++) {
      for (int q = 0; q < r; q++) {
        double v = y[i * cb + q];
        for (int p = 0; p < r; p++) {
          v -= x[i * ca + p] * proj[p][q];
        }
        err += v * v;
      }
    }
    return Math.sqrt(err);
  }

  /** max over i of |x_i - y_i| / (relTol * |y_i| + absTol), <= 1 means within tolerance. */
  static double toleranceRatio(float[] x, float[] y, double relTol, double absTol) {
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(x[i] - y[i]) / (relTol * Math.abs(y[i]) + absTol));
    }
    return worst;
  }
}

package io.bocomp.compress;

import io.bocomp.engine.Decompositions.Tucker2Factors;
import io.bocomp.model.Tensor;
import java.util.Random;

/** Plain double-precision reference arithmetic for the decomposition tests (no BLAS). */
final class Reference {
  private Reference() {}

  static Tensor gaussian(long seed, int... shape) {
    Random r = new Random(seed);
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.set(i, (float) r.nextGaussian());
    }
    return t;
  }

  /** m x n matrix with singular values decaying as decay^i (random orthogonal-ish factors). */
  static Tensor decaying(long seed, int m, int n, double decay) {
    Tensor a = Tensor.zeros(m, n);
    Random r = new Random(seed);
    int k = Math.min(m, n);
    double[] u = new double[m];
    double[] v = new double[n];
    for (int i = 0; i < k; i++) {
      for (int p = 0; p < m; p++) {
        u[p] = r.nextGaussian() / Math.sqrt(m);
      }
      for (int q = 0; q < n; q++) {
        v[q] = r.nextGaussian() / Math.sqrt(n);
      }
      double s = Math.pow(decay, i) * 10;
      for (int p = 0; p < m; p++) {
        for (int q = 0; q < n; q++) {
          a.set(p * n + q, (float) (a.get(p * n + q) + s * u[p] * v[q]));
        }
      }
    }
    return a;
  }

  /** U[:, :k] diag(S[:k]) Vt[:k, :] as doubles, m x n row-major. */
  static double[] reconstruct(Tensor u, Tensor s, Tensor vt, int k) {
    int m = u.dim(0);
    int ku = u.dim(1);
    int n = vt.dim(1);
    double[] a = new double[m * n];
    for (int i = 0; i < k; i++) {
      double si = s.get(i);
      for (int p = 0; p < m; p++) {
        double up = u.get(p * ku + i) * si;
        for (int q = 0; q < n; q++) {
          a[p * n + q] += up * vt.get(i * n + q);
        }
      }
    }
    return a;
  }

  static double squaredDistance(Tensor a, double[] b) {
    double d = 0;
    for (int i = 0; i < b.length; i++) {
      double x = a.get(i) - b[i];
      d += x * x;
    }
    return d;
  }

  static double squaredNorm(Tensor a) {
    double d = 0;
    for (int i = 0; i < a.size(); i++) {
      d += (double) a.get(i) * a.get(i);
    }
    return d;
  }

  /** max |Q^T Q - I| over the first k columns of the row-major rows x cols matrix q. */
  static double orthonormalityError(Tensor q, int k) {
    int rows = q.dim(0);
    int cols = q.dim(1);
    double worst = 0;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        double dot = 0;
        for (int p = 0; p < rows; p++) {
          dot += (double) q.get(p * cols + i) * q.get(p * cols + j);
        }
        worst = Math.max(worst, Math.abs(dot - (i == j ? 1 : 0)));
      }
    }
    return worst;
  }

  /** Transpose of a row-major matrix tensor. */
  static Tensor transpose(Tensor a) {
    int m = a.dim(0);
    int n = a.dim(1);
    Tensor t = Tensor.zeros(n, m);
    for (int p = 0; p < m; p++) {
      for (int q = 0; q < n; q++) {
        t.set(q * m + p, a.get(p * n + q));
      }
    }
    return t;
  }

  /**
   * Tucker-2 reconstruction: W[o, c, s] = sum_{p < rOut, q < rIn} Uout[o, p] Uin[c, q] core[p, q, s]
   * with the full-size factors (Cout x Cout, Cin x Cin) and core (Cout x Cin x kh x kw).
   */
  static double[] tuckerReconstruct(Tucker2Factors f, int rOut, int rIn) {
    int cout = f.core().dim(0);
    int cin = f.core().dim(1);
    int k2 = f.core().dim(2) * f.core().dim(3);
    double[] w = new double[cout * cin * k2];
    for (int o = 0; o < cout; o++) {
      for (int c = 0; c < cin; c++) {
        for (int p = 0; p < rOut; p++) {
          double uo = f.uOut().get(o * cout + p);
          for (int q = 0; q < rIn; q++) {
            double coef = uo * f.uIn().get(c * cin + q);
            int cb = (p * cin + q) * k2;
            int wb = (o * cin + c) * k2;
            for (int s = 0; s < k2; s++) {
              w[wb + s] += coef * f.core().get(cb + s);
            }
          }
        }
      }
    }
    return w;
  }
}

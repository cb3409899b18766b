package io.bocomp.engine;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dsyevd;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sgesdd;
import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;

import io.bocomp.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test double: the SVD and Tucker-2 parts of {@link Decompositions} straight from LAPACK
 * (sgesdd; dsyevd on double Gram matrices, core in double). The other operations are not needed
 * by the tests that use it.
 */
final class LapackDecompositions implements Decompositions {

  @Override
  public List<SvdFactors> svd(List<Tensor> matrices) {
    List<SvdFactors> out = new ArrayList<>();
    for (Tensor a : matrices) {
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
        throw new IllegalStateException("sgesdd info " + info);
      }
      out.add(new SvdFactors(u, s, vt));
    }
    return out;
  }

  @Override
  public List<Tucker2Factors> tucker2(List<Tensor> kernels) {
    List<Tucker2Factors> out = new ArrayList<>();
    for (Tensor w : kernels) {
      int co = w.dim(0);
      int ci = w.dim(1);
      int sp = w.dim(2) * w.dim(3);
      float[] x = w.toFloatArray();
      double[][] u = new double[2][];
      double[][] e = new double[2][];
      for (int mode = 0; mode < 2; mode++) {
        int n = mode == 0 ? co : ci;
        int other = mode == 0 ? ci : co;
        DoubleBuffer g = direct(n * n);
        for (int p = 0; p < n; p++) {
          for (int q = 0; q < n; q++) {
            double v = 0;
            for (int o = 0; o < other; o++) {
              for (int t = 0; t < sp; t++) {
                int ip = mode == 0 ? (p * ci + o) * sp + t : (o * ci + p) * sp + t;
                int iq = mode == 0 ? (q * ci + o) * sp + t : (o * ci + q) * sp + t;
                v += (double) x[ip] * x[iq];
              }
            }
            g.put(p * n + q, v);
          }
        }
        DoubleBuffer wv = direct(n);
        if (LAPACKE_dsyevd(LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'L', n, g, n, wv) != 0) {
          throw new IllegalStateException("dsyevd failed");
        }
        u[mode] = new double[n * n];
        e[mode] = new double[n];
        for (int j = 0; j < n; j++) {
          e[mode][j] = wv.get(n - 1 - j);
          for (int r = 0; r < n; r++) {
            u[mode][r * n + j] = g.get(r * n + (n - 1 - j));
          }
        }
      }
      float[] core = new float[x.length];
      for (int a = 0; a < co; a++) {
        for (int b = 0; b < ci; b++) {
          for (int t = 0; t < sp; t++) {
            double v = 0;
            for (int o = 0; o < co; o++) {
              for (int c = 0; c < ci; c++) {
                v += u[0][o * co + a] * u[1][c * ci + b] * x[(o * ci + c) * sp + t];
              }
            }
            core[(a * ci + b) * sp + t] = (float) v;
          }
        }
      }
      out.add(new Tucker2Factors(toTensor(u[0], co, co), toTensor(u[1], ci, ci),
          Tensor.of(w.shape(), core), toTensor(e[0], co), toTensor(e[1], ci)));
    }
    return out;
  }

  @Override
  public SvdFactors truncatedSvd(Tensor matrix, int rank, int oversample, int powerIterations,
      long seed) {
    throw new UnsupportedOperationException("not needed by the tests using this double");
  }

  @Override
  public DistanceStats distance(Tensor outputs, Tensor reference) {
    throw new UnsupportedOperationException("not needed by the tests using this double");
  }

  private static DoubleBuffer direct(int n) {
    return ByteBuffer.allocateDirect(8 * n).order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }

  private static Tensor toTensor(double[] v, int... shape) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return Tensor.of(shape, f);
  }
}

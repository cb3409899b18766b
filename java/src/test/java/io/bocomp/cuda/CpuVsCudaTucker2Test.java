package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.engine.Decompositions.Tucker2Factors;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Differential tests of the GPU Tucker-2 HOSVD on awkward kernel shapes: eigenvalues against the
 * CPU path ({@link CpuDecompositions}: ssyrk + ssyevd), eigenvectors by their residual against the
 * Gram matrix recomputed in double (which needs no eigenvalue gaps), the core recomputed in double
 * from the GPU's own factors. Skips without a GPU.
 */
class CpuVsCudaTucker2Test {
  static final int[][] KERNELS = {{1, 1, 1, 1}, {7, 3, 3, 3}, {33, 7, 1, 1}, {7, 33, 3, 3},
      {64, 33, 3, 3}, {33, 64, 1, 3}, {128, 64, 3, 3}};

  private static final CpuDecompositions CPU = new CpuDecompositions(1);
  private static CudaDecompositions gpu;

  @BeforeAll
  static void requireGpu() {
    if (!Cuda.available()) {
      return;  // every test skips in requireGpuPerTest, with the reason
    }
    gpu = new CudaDecompositions();
  }

  @BeforeEach
  void requireGpuPerTest() {
    assumeTrue(Cuda.available(), () -> "no usable CUDA GPU: " + Cuda.unavailableReason());
  }

  @AfterAll
  static void release() {
    if (gpu != null) {
      gpu.close();
    }
  }

  @Test
  void tucker2MatchesTheHostHosvdOnAwkwardKernels() {
    List<Tensor> kernels = new ArrayList<>();
    for (int i = 0; i < KERNELS.length; i++) {
      kernels.add(TestMatrices.gaussian(100 + i, KERNELS[i]));
    }
    List<Tucker2Factors> out = gpu.tucker2(kernels);
    for (int i = 0; i < kernels.size(); i++) {
      Tensor w = kernels.get(i);
      Tucker2Factors f = out.get(i);
      int co = w.dim(0);
      int ci = w.dim(1);
      int sp = w.dim(2) * w.dim(3);
      String what = java.util.Arrays.toString(KERNELS[i]);
      assertThat(f.core().shape()).as(what).containsExactly(w.shape());
      Tucker2Factors cpu = CPU.tucker2(List.of(w)).get(0);
      checkEigen(what + " mode 0", gram(w, 0), co, cpu.eigOut(), f.uOut(), f.eigOut());
      checkEigen(what + " mode 1", gram(w, 1), ci, cpu.eigIn(), f.uIn(), f.eigIn());
      // core = W x0 U_out^T x1 U_in^T, recomputed in double from the GPU's own factors
      double[] core = new double[co * ci * sp];
      float[] uo = f.uOut().toFloatArray();
      float[] ui = f.uIn().toFloatArray();
      float[] x = w.toFloatArray();
      for (int a = 0; a < co; a++) {
        for (int b = 0; b < ci; b++) {
          for (int t = 0; t < sp; t++) {
            double v = 0;
            for (int o = 0; o < co; o++) {
              for (int c = 0; c < ci; c++) {
                v += uo[o * co + a] * ui[c * ci + b] * (double) x[(o * ci + c) * sp + t];
              }
            }
            core[(a * ci + b) * sp + t] = v;
          }
        }
      }
      assertThat(relativeError(f.core().toFloatArray(), core)).as(what + ": core").isLessThan(2e-5);
      // and the factors reconstruct W
      double[] back = new double[x.length];
      float[] g = f.core().toFloatArray();
      for (int o = 0; o < co; o++) {
        for (int c = 0; c < ci; c++) {
          for (int t = 0; t < sp; t++) {
            double v = 0;
            for (int a = 0; a < co; a++) {
              for (int b = 0; b < ci; b++) {
                v += uo[o * co + a] * ui[c * ci + b] * (double) g[(a * ci + b) * sp + t];
              }
            }
            back[(o * ci + c) * sp + t] = v;
          }
        }
      }
      assertThat(relativeError(x, back)).as(what + ": reconstruction").isLessThan(2e-5);
    }
  }

  @Test
  void deviceFactorsSliceTheCoreWithoutCopies() {
    Tensor w = TestMatrices.gaussian(7, 33, 17, 3, 3);
    Tucker2Factors host = gpu.tucker2(List.of(w)).get(0);
    try (DeviceTensor dw = DeviceTensor.upload(w);
        DeviceTucker2Factors f = DeviceTucker2Factors.allocate(w.shape())) {
      gpu.tucker2(List.of(dw), List.of(f));
      Tensor core = f.core().toHost();
      assertThat(FactorChecks.toleranceRatio(core.toFloatArray(), host.core().toFloatArray(), 1e-4,
          1e-5)).as("device and host entry points agree").isLessThanOrEqualTo(1);
      int rOut = 5;
      int rIn = 4;
      DeviceTensor slice = f.coreSlice(rOut, rIn);
      assertThat(slice.shape()).containsExactly(rOut, rIn * 9);
      assertThat(slice.rowStride()).isEqualTo(17 * 9);
      float[] got = slice.toHost().toFloatArray();
      float[] full = core.toFloatArray();  // the same device memory, read whole
      for (int a = 0; a < rOut; a++) {
        for (int e = 0; e < rIn * 9; e++) {
          assertThat(got[a * rIn * 9 + e]).isEqualTo(full[a * 17 * 9 + e]);
        }
      }
    }
  }

  /** Mode-0 (or mode-1) unfolding Gram matrix of W in double. */
  private static double[] gram(Tensor w, int mode) {
    int co = w.dim(0);
    int ci = w.dim(1);
    int sp = w.dim(2) * w.dim(3);
    float[] x = w.toFloatArray();
    int n = mode == 0 ? co : ci;
    double[] g = new double[n * n];
    for (int p = 0; p < n; p++) {
      for (int q = 0; q < n; q++) {
        double v = 0;
        for (int other = 0; other < (mode == 0 ? ci : co); other++) {
          for (int t = 0; t < sp; t++) {
            int ip = mode == 0 ? (p * ci + other) * sp + t : (other * ci + p) * sp + t;
            int iq = mode == 0 ? (q * ci + other) * sp + t : (other * ci + q) * sp + t;
            v += (double) x[ip] * x[iq];
          }
        }
        g[p * n + q] = v;
      }
    }
    return g;
  }

  private static void checkEigen(String what, double[] g, int n, Tensor cpuEig, Tensor u,
      Tensor eig) {
    double[] ref = new double[n];
    for (int j = 0; j < n; j++) {
      ref[j] = cpuEig.get(j);
    }
    double max = Math.max(ref[0], 1e-30);
    float[] got = eig.toFloatArray();
    for (int j = 0; j < n; j++) {
      assertThat(Math.abs(got[j] - ref[j])).as(what + ": eigenvalue " + j)
          .isLessThanOrEqualTo(1e-4 * Math.abs(ref[j]) + 2e-5 * max);
    }
    assertThat(FactorChecks.columnOrthonormalityError(u)).as(what + ": U^T U = I").isLessThan(5e-5);
    float[] q = u.toFloatArray();
    for (int j = 0; j < n; j++) {
      double res = 0;
      for (int r = 0; r < n; r++) {
        double v = -ref[j] * q[r * n + j];
        for (int c = 0; c < n; c++) {
          v += g[r * n + c] * q[c * n + j];
        }
        res += v * v;
      }
      assertThat(Math.sqrt(res)).as(what + ": residual of eigenvector " + j)
          .isLessThan(1e-4 * max);
    }
  }

  private static double relativeError(float[] got, double[] want) {
    double err = 0;
    double norm = 0;
    for (int i = 0; i < got.length; i++) {
      err += (got[i] - want[i]) * (got[i] - want[i]);
      norm += want[i] * want[i];
    }
    return norm == 0 ? Math.sqrt(err) : Math.sqrt(err / norm);
  }
}

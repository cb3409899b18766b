package io.bocomp.engine;

import io.bocomp.model.Tensor;
import java.util.List;

/**
 * The linear-algebra kernels the compressor and the tuner call thousands of times, per backend: the
 * CPU implementation goes through LAPACK (OpenBLAS), the CUDA one through custom kernels and
 * cuSOLVER/cuBLAS. All inputs and outputs are float32 row-major tensors on the host; a GPU
 * implementation may keep its own device-resident copies (see {@link DeviceResidentFactors}).
 *
 * <p>Conventions: singular values and eigenvalues are returned in descending order; singular vectors
 * are orthonormal columns of U and rows of Vt; sign of each singular pair is arbitrary (callers
 * compare subspaces, not vectors).
 */
public interface Decompositions {

  /**
   * Thin SVD of every matrix of the batch: A (m x n) = U (m x k) diag(S) Vt (k x n), k = min(m, n).
   * Matrices may have different shapes.
   */
  List<SvdFactors> svd(List<Tensor> matrices);

  /**
   * Randomized truncated SVD (range finder with {@code oversample} extra columns and
   * {@code powerIterations} power iterations, Halko-Martinsson-Tropp), returning the leading
   * {@code rank} triplets. For very large layers where only low ranks are ever asked for.
   */
  SvdFactors truncatedSvd(Tensor matrix, int rank, int oversample, int powerIterations, long seed);

  /**
   * Full-rank Tucker-2 (HOSVD on the output- and input-channel modes) of each conv kernel
   * W (Cout x Cin x kh x kw): U_out (Cout x Cout) and U_in (Cin x Cin) are the eigenvectors of the
   * mode-0 and mode-1 unfolding Gram matrices (descending eigenvalues), and the core is
   * W x_0 U_out^T x_1 U_in^T (Cout x Cin x kh x kw). Truncating to ranks (r_out, r_in) is a slice.
   */
  List<Tucker2Factors> tucker2(List<Tensor> kernels);

  /**
   * Per-sample squared L2 distance between rows of {@code outputs} and {@code reference}
   * (both [n, ...] with equal shapes), reduced to mean and standard error of the mean.
   * Deterministic: the same inputs give bit-identical results on every run.
   */
  DistanceStats distance(Tensor outputs, Tensor reference);

  /** Result of {@link #svd} and {@link #truncatedSvd}. */
  record SvdFactors(Tensor u, Tensor s, Tensor vt) {
    public int rank() {
      return s.size();
    }
  }

  /**
   * Result of {@link #tucker2}. Eigenvalues of the two Gram matrices (descending) give the energy
   * curves per mode.
   */
  record Tucker2Factors(Tensor uOut, Tensor uIn, Tensor core, Tensor eigOut, Tensor eigIn) {}

  /** Mean and standard error of per-sample squared distances, with the per-sample values. */
  record DistanceStats(double mean, double stderr, int n, double[] perSample) {}

  /** Marker for factor caches a GPU backend keeps on the device between trials. */
  interface DeviceResidentFactors extends AutoCloseable {
    @Override
    void close();
  }
}

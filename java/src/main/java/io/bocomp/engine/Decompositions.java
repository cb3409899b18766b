package io.bocomp.engine;

import io.bocomp.model.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The linear-algebra kernels the compressor and the tuner call thousands of times, per backend: the
 * CPU implementation goes through LAPACK (OpenBLAS), the CUDA one through custom kernels and
 * cuSOLVER/cuBLAS. All inputs and outputs are float32 row-major tensors on the host; a GPU
 * implementation keeps device-resident copies across trials (see {@link #keepResident}).
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
  record DistanceStats(double mean, double stderr, int n, double[] perSample) {

    /**
     * The reference definition, on the host in double: perSample[i] = ||outputs_i -
     * reference_i||^2 over each sample's values (rows of the [n, ...] tensors), mean over samples,
     * stderr = sqrt(s^2 / n) with the sample variance s^2 (n - 1 denominator; 0 for n = 1).
     * Sequential sums, so deterministic.
     */
    public static DistanceStats compute(Tensor outputs, Tensor reference) {
      if (!java.util.Arrays.equals(outputs.shape(), reference.shape()) || outputs.rank() == 0
          || outputs.dim(0) < 1) {
        throw new IllegalArgumentException("outputs " + outputs + " and reference " + reference
            + " must have the same shape [n >= 1, ...]");
      }
      int n = outputs.dim(0);
      int d = outputs.size() / n;
      java.nio.FloatBuffer o = outputs.data();
      java.nio.FloatBuffer r = reference.data();
      double[] per = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        double acc = 0;
        for (int j = i * d; j < (i + 1) * d; j++) {
          double diff = (double) o.get(j) - r.get(j);
          acc += diff * diff;
        }
        per[i] = acc;
        sum += acc;
      }
      double mean = sum / n;
      double ss = 0;
      for (double v : per) {
        ss += (v - mean) * (v - mean);
      }
      return new DistanceStats(mean, n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0.0, n, per);
    }
  }

  /**
   * Decomposes the layers of a tuning run once and keeps the factors where this backend computes
   * (GPU memory for CUDA), so each trial only truncates them; see {@link DeviceResidentFactors}.
   * The default keeps host factors from {@link #svd} and {@link #tucker2} ({@link
   * HostResidentFactors}); a GPU backend overrides it.
   *
   * @param matrices 2-D weights to factor by SVD, by key (e.g. layer name)
   * @param kernels 4-D conv kernels to factor by Tucker-2, by key
   */
  default DeviceResidentFactors keepResident(Map<String, Tensor> matrices,
      Map<String, Tensor> kernels) {
    return HostResidentFactors.build(this, matrices, kernels);
  }

  /**
   * Factor caches of a tuning run, decomposed once and kept where the backend computes (GPU memory
   * for CUDA: nothing crosses the bus per trial but the truncated result). Per trial the tuner
   * asks for truncations at the ranks it tries; every truncation is a slice of the resident full
   * factors — leading columns of U (or U_out, U_in), leading rows of Vt, the leading block of the
   * core — so no decomposition is recomputed and, on the device, no factor is copied: the
   * reconstruction GEMMs read the slices in place. Results are new host tensors the caller owns.
   *
   * <p>SVD entries: W (m x n) ~ left right with left = U_r diag(s_r) (m x r), right = Vt_r
   * (r x n). Tucker-2 entries: W (Cout x Cin x kh x kw) ~ the three convolutions first
   * (rIn x Cin x 1 x 1) = U_in_r^T, core (rOut x rIn x kh x kw), last (Cout x rOut x 1 x 1) =
   * U_out_r. Thread-confined; close releases the (device) memory.
   */
  interface DeviceResidentFactors extends AutoCloseable {

    /** Keys of the SVD entries. */
    Set<String> matrixKeys();

    /** Keys of the Tucker-2 entries. */
    Set<String> kernelKeys();

    /** Singular values of an SVD entry, descending (min(m, n) values). */
    Tensor singularValues(String key);

    /** Eigenvalues of a Tucker-2 entry's mode-0 (mode = 0) or mode-1 Gram matrix, descending. */
    Tensor modeEigenvalues(String key, int mode);

    /** The rank-r factor pair of an SVD entry. */
    LowRankFactors lowRank(String key, int rank);

    /** The rank-r approximation U_r diag(s_r) Vt_r of an SVD entry (m x n). */
    Tensor lowRankWeight(String key, int rank);

    /** The three convolution weights of a Tucker-2 entry truncated to (rOut, rIn). */
    Tucker2Layers tucker2(String key, int rOut, int rIn);

    /** The (rOut, rIn) Tucker-2 approximation of a kernel entry (Cout x Cin x kh x kw). */
    Tensor tucker2Weight(String key, int rOut, int rIn);

    @Override
    void close();
  }

  /** A rank-r factor pair: W ~ left (m x r) right (r x n). */
  record LowRankFactors(Tensor left, Tensor right) {}

  /**
   * A Tucker-2 kernel as three convolutions: first (rIn x Cin x 1 x 1), core (rOut x rIn x kh x
   * kw, the original stride and padding), last (Cout x rOut x 1 x 1, the original bias).
   */
  record Tucker2Layers(Tensor first, Tensor core, Tensor last) {}
}

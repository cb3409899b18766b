package io.bocomp.cuda;

/**
 * Completes a set of orthonormal vectors in which some vectors are zero (the singular vectors of
 * numerically zero singular values, which the GPU routes leave as zeros): each zero vector is
 * replaced by a unit vector orthogonal to all the others, so U and Vt keep orthonormal columns and
 * rows as the {@link io.bocomp.engine.Decompositions} contract says.
 *
 * <p>Algorithm: for each missing vector, start from the coordinate axis e_i least covered by the
 * current basis (smallest sum of squares of row i over the present vectors), orthogonalize it
 * against every present vector with two passes of modified Gram-Schmidt in double ("twice is
 * enough"), and normalize. Cost O(z * k * len) for z missing of k vectors of length len; it runs
 * on the host, only for rank-deficient matrices.
 */
final class OrthonormalCompletion {
  private OrthonormalCompletion() {}

  /**
   * Fills the vectors {@code missing} of a row-major {@code rows x cols} float matrix in place. The
   * vectors are its columns ({@code columns = true}, length {@code rows}) or its rows (length
   * {@code cols}). Needs at most as many vectors as their length.
   */
  static void complete(float[] data, int rows, int cols, boolean columns, int[] missing) {
    if (missing.length == 0) {
      return;
    }
    final int count = columns ? cols : rows;
    final int len = columns ? rows : cols;
    if (count > len) {
      throw new IllegalArgumentException(count + " vectors of length " + len + " cannot be orthonormal");
    }
    boolean[] absent = new boolean[count];
    for (int j : missing) {
      absent[j] = true;
    }
    double[][] basis = new double[count][];
    double[] coverage = new double[len];
    for (int j = 0; j < count; j++) {
      if (!absent[j]) {
        basis[j] = read(data, cols, columns, j, len);
        for (int i = 0; i < len; i++) {
          coverage[i] += basis[j][i] * basis[j][i];
        }
      }
    }
    boolean[] used = new boolean[len];
    for (int j : missing) {
      double[] v = null;
      while (v == null) {
        int axis = -1;
        for (int i = 0; i < len; i++) {
          if (!used[i] && (axis < 0 || coverage[i] < coverage[axis])) {
            axis = i;
          }
        }
        if (axis < 0) {
          throw new IllegalStateException("no axis left to complete vector " + j);
        }
        used[axis] = true;
        double[] candidate = new double[len];
        candidate[axis] = 1.0;
        for (int pass = 0; pass < 2; pass++) {
          for (double[] b : basis) {
            if (b != null) {
              double dot = 0;
              for (int i = 0; i < len; i++) {
                dot += b[i] * candidate[i];
              }
              for (int i = 0; i < len; i++) {
                candidate[i] -= dot * b[i];
              }
            }
          }
        }
        double norm = 0;
        for (double x : candidate) {
          norm += x * x;
        }
        norm = Math.sqrt(norm);
        // The least-covered axis keeps a residual of at least sqrt(missing / len) when the present
        // vectors are orthonormal; two Gram-Schmidt passes in double make it orthogonal to ~1e-15
        // relative to that residual, far below float precision.
        if (norm > 1e-6) {
          for (int i = 0; i < len; i++) {
            candidate[i] /= norm;
          }
          v = candidate;
        }
      }
      basis[j] = v;
      for (int i = 0; i < len; i++) {
        coverage[i] += v[i] * v[i];
      }
      write(data, cols, columns, j, v);
    }
  }

  private static double[] read(float[] data, int cols, boolean columns, int j, int len) {
    double[] v = new double[len];
    for (int i = 0; i < len; i++) {
      v[i] = columns ? data[i * cols + j] : data[j * cols + i];
    }
    return v;
  }

  private static void write(float[] data, int cols, boolean columns, int j, double[] v) {
    for (int i = 0; i < v.length; i++) {
      data[columns ? i * cols + j : j * cols + i] = (float) v[i];
    }
  }
}

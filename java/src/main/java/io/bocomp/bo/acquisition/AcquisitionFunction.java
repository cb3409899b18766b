package io.bocomp.bo.acquisition;

/**
 * A utility to <em>maximize</em> over the unit cube, a pure function of fitted posteriors (model
 * units: unit-cube inputs, standardized outputs; the objective is minimized). Implementations hold
 * scratch space and are not thread-safe: use one instance per thread.
 */
public interface AcquisitionFunction {
  int dimension();

  /** The utility at unit-cube point {@code u}. */
  double value(double[] u);

  /** The utility at {@code u}, writing its gradient into {@code gradient}. */
  double valueAndGradient(double[] u, double[] gradient);

  /** Utilities of {@code m} points ({@code m×d} row-major); overridden with batched posteriors. */
  default void values(double[] points, int m, double[] out) {
    int d = dimension();
    double[] u = new double[d];
    for (int c = 0; c < m; c++) {
      System.arraycopy(points, c * d, u, 0, d);
      out[c] = value(u);
    }
  }

  /**
   * True when values are logarithms of a non-negative utility; a probability of feasibility then
   * enters by adding its logarithm rather than by multiplication.
   */
  default boolean isLogScale() {
    return false;
  }
}

package io.bocomp.bo.optim;

/** A function to minimize with its gradient; what {@link LbfgsB} needs to know of a problem. */
public interface DifferentiableFunction {
  int dimension();

  /**
   * Returns {@code f(x)} and writes {@code ∇f(x)} into {@code gradient}. May return
   * {@code +∞} or NaN where {@code f} cannot be evaluated; the line search then backs off.
   */
  double valueAndGradient(double[] x, double[] gradient);
}

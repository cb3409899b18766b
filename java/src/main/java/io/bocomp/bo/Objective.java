package io.bocomp.bo;

/**
 * The black box to minimize: user point in, {@link Evaluation} out. Throwing, returning null or a
 * non-finite mean records a failed evaluation; the run goes on.
 */
@FunctionalInterface
public interface Objective {
  Evaluation evaluate(double[] x) throws Exception;
}

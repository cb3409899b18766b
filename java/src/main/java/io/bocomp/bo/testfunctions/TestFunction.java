package io.bocomp.bo.testfunctions;

import io.bocomp.bo.Evaluation;
import io.bocomp.bo.Objective;
import io.bocomp.bo.Space;

/**
 * A benchmark function with a known minimum, for testing optimizers. {@link #objective} wraps it
 * as an exact {@link Objective}; {@link NoisyTestFunction} adds Gaussian noise.
 */
public interface TestFunction {
  /** Registry name, e.g. {@code "branin"}. */
  String name();

  Space space();

  /** The global minimum value. */
  double optimum();

  /** A global minimizer. */
  double[] minimizer();

  /** The noiseless value at a user point. */
  double value(double[] x);

  /** This function as an exact objective. */
  default Objective objective() {
    return x -> Evaluation.of(value(x));
  }
}

package io.bocomp.bo;

import java.util.Arrays;

/**
 * A recorded evaluation: the user point (integer coordinates rounded) and what it returned.
 * Build a fresh optimizer from past observations with {@link BayesOpt.Builder#observations} (for
 * example after re-weighting cached measurements) without evaluating anything again.
 */
public record Observation(double[] x, Evaluation evaluation) {
  public Observation {
    x = x.clone();
  }

  @Override
  public double[] x() {
    return x.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Observation ob && Arrays.equals(x, ob.x) && evaluation.equals(ob.evaluation);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(x) * 31 + evaluation.hashCode();
  }

  @Override
  public String toString() {
    return "Observation{x=" + Arrays.toString(x) + ", " + evaluation + "}";
  }
}

package io.bocomp.bo.model;

import java.util.Arrays;

/**
 * Hyperparameters of a {@link GaussianProcess} in model units (unit-cube inputs, standardized
 * outputs): ARD lengthscales, the outputscale {@code s²}, the constant prior mean {@code c} and the
 * learned homoscedastic noise variance (0 when the noise is fixed per observation). Immutable.
 */
public final class GpHyperparameters {
  private final double[] lengthscales;
  private final double outputscale;
  private final double mean;
  private final double learnedNoise;

  public GpHyperparameters(double[] lengthscales, double outputscale, double mean, double learnedNoise) {
    for (double l : lengthscales) {
      if (!(l > 0) || Double.isInfinite(l)) {
        throw new IllegalArgumentException("lengthscale must be positive and finite, got " + l);
      }
    }
    if (!(outputscale > 0) || Double.isInfinite(outputscale)) {
      throw new IllegalArgumentException("outputscale must be positive and finite, got " + outputscale);
    }
    if (!Double.isFinite(mean) || !(learnedNoise >= 0) || Double.isInfinite(learnedNoise)) {
      throw new IllegalArgumentException("bad mean " + mean + " or noise " + learnedNoise);
    }
    this.lengthscales = lengthscales.clone();
    this.outputscale = outputscale;
    this.mean = mean;
    this.learnedNoise = learnedNoise;
  }

  public int dimension() {
    return lengthscales.length;
  }

  public double lengthscale(int j) {
    return lengthscales[j];
  }

  /** A copy of the lengthscales. */
  public double[] lengthscales() {
    return lengthscales.clone();
  }

  public double outputscale() {
    return outputscale;
  }

  public double mean() {
    return mean;
  }

  public double learnedNoise() {
    return learnedNoise;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GpHyperparameters h
        && Arrays.equals(lengthscales, h.lengthscales)
        && Double.compare(outputscale, h.outputscale) == 0
        && Double.compare(mean, h.mean) == 0
        && Double.compare(learnedNoise, h.learnedNoise) == 0;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(lengthscales) * 31 + Double.hashCode(outputscale) * 7 + Double.hashCode(mean);
  }

  @Override
  public String toString() {
    return "GpHyperparameters{lengthscales=" + Arrays.toString(lengthscales) + ", outputscale=" + outputscale
        + ", mean=" + mean + ", learnedNoise=" + learnedNoise + "}";
  }
}

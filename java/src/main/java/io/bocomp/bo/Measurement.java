package io.bocomp.bo;

/**
 * A measured quantity: a mean and the standard error of that mean ({@code 0} when exact).
 */
public record Measurement(double mean, double stderr) {
  /** An exact value. */
  public static Measurement exact(double value) {
    return new Measurement(value, 0.0);
  }
}

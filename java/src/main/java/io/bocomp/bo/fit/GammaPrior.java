package io.bocomp.bo.fit;

import java.util.SplittableRandom;

/**
 * Gamma(concentration {@code a}, rate {@code b}) prior: {@code log p(v) = (a−1)·log v − b·v + C}.
 * The defaults of this package are BoTorch's classic ones for unit-cube inputs and standardized
 * outputs: lengthscale Gamma(3, 6) (mode 1/3, mean 1/2), outputscale Gamma(2, 0.15) (mode 6.7),
 * learned noise Gamma(1.1, 0.05). Sampling uses Marsaglia and Tsang (2000).
 */
public final class GammaPrior implements Prior {
  private final double concentration;
  private final double rate;

  public GammaPrior(double concentration, double rate) {
    if (!(concentration > 0) || !(rate > 0) || Double.isInfinite(concentration) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("Gamma prior needs positive finite parameters, got " + concentration
          + ", " + rate);
    }
    this.concentration = concentration;
    this.rate = rate;
  }

  public static GammaPrior lengthscaleDefault() {
    return new GammaPrior(3.0, 6.0);
  }

  public static GammaPrior outputscaleDefault() {
    return new GammaPrior(2.0, 0.15);
  }

  public static GammaPrior noiseDefault() {
    return new GammaPrior(1.1, 0.05);
  }

  public double concentration() {
    return concentration;
  }

  public double rate() {
    return rate;
  }

  @Override
  public double logDensity(double v) {
    return (concentration - 1) * Math.log(v) - rate * v;
  }

  @Override
  public double logDensityDerivativeInLog(double v) {
    return (concentration - 1) - rate * v;
  }

  @Override
  public double sample(SplittableRandom rng) {
    double a = concentration;
    double boost = 1.0;
    if (a < 1) {
      boost = Math.pow(rng.nextDouble(), 1.0 / a);
      a += 1;
    }
    double dd = a - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9 * dd);
    while (true) {
      double z = gaussian(rng);
      double v = 1 + c * z;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * z * z + dd - dd * v + dd * Math.log(v)) {
        return boost * dd * v / rate;
      }
    }
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  @Override
  public double typical() {
    return concentration > 1 ? (concentration - 1) / rate : concentration / rate;
  }

  @Override
  public String toString() {
    return "Gamma(" + concentration + ", " + rate + ")";
  }
}

package io.bocomp.bo.testfunctions;

import io.bocomp.bo.Evaluation;
import io.bocomp.bo.Objective;
import io.bocomp.bo.Space;
import java.util.SplittableRandom;

/**
 * A {@link TestFunction} observed with additive Gaussian noise {@code N(0, σ²)}, reporting
 * {@code σ} as the standard error. {@link #value} stays noiseless (for measuring regret); each
 * {@link #objective()} draws its noise from its own stream seeded by {@code seed}.
 */
public final class NoisyTestFunction implements TestFunction {
  private final TestFunction base;
  private final double sigma;
  private final long seed;

  public NoisyTestFunction(TestFunction base, double sigma, long seed) {
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("noise sigma must be finite and >= 0, got " + sigma);
    }
    this.base = base;
    this.sigma = sigma;
    this.seed = seed;
  }

  public double sigma() {
    return sigma;
  }

  @Override
  public String name() {
    return base.name() + "-noisy";
  }

  @Override
  public Space space() {
    return base.space();
  }

  @Override
  public double optimum() {
    return base.optimum();
  }

  @Override
  public double[] minimizer() {
    return base.minimizer();
  }

  @Override
  public double value(double[] x) {
    return base.value(x);
  }

  @Override
  public Objective objective() {
    SplittableRandom rng = new SplittableRandom(seed);
    return x -> {
      double u1 = rng.nextDouble();
      double u2 = rng.nextDouble();
      double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      return Evaluation.of(base.value(x) + sigma * z, sigma);
    };
  }
}

package io.bocomp.bo.testfunctions;

import java.util.List;
import java.util.Locale;

/**
 * The built-in test functions by name: {@code branin}, {@code hartmann6}, {@code sinone},
 * {@code rosenbrock10}, {@code ackley10}; a {@code -noisy} suffix adds Gaussian noise with
 * {@code σ = 0.03} ({@link #NOISY_SIGMA}).
 */
public final class TestFunctions {
  /** Noise of the {@code -noisy} variants. */
  public static final double NOISY_SIGMA = 0.03;

  private TestFunctions() {}

  /** Names of the noiseless functions. */
  public static List<String> names() {
    return List.of("branin", "hartmann6", "sinone", "rosenbrock10", "ackley10");
  }

  /**
   * @param seed seeds the noise of {@code -noisy} names
   * @throws IllegalArgumentException for an unknown name
   */
  public static TestFunction byName(String name, long seed) {
    String n = name.toLowerCase(Locale.ROOT).trim();
    if (n.endsWith("-noisy")) {
      return new NoisyTestFunction(byName(n.substring(0, n.length() - "-noisy".length()), seed), NOISY_SIGMA, seed);
    }
    return switch (n) {
      case "branin" -> new Branin();
      case "hartmann6" -> new Hartmann6();
      case "sinone" -> new SinOne();
      case "rosenbrock10" -> new Rosenbrock(10);
      case "ackley10" -> new Ackley(10);
      default -> throw new IllegalArgumentException("unknown test function '" + name + "'; known: " + names()
          + " (each also with -noisy)");
    };
  }
}

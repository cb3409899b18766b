package io.bocomp.bo.acquisition;

import io.bocomp.bo.model.GaussianProcess;
import java.util.function.BiFunction;

/**
 * Builds the acquisition of one iteration from the fitted objective posterior and the incumbent;
 * what the loop is configured with. The static methods give the built-in choices.
 */
public interface AcquisitionFactory {
  AcquisitionFunction create(GaussianProcess objective, Incumbent incumbent);

  /** A short name for logs. */
  String name();

  /** Whether its values can be weighted by probabilities of feasibility (false for LCB). */
  default boolean supportsFeasibilityWeighting() {
    return true;
  }

  /** Corrected noisy EI in log scale: the default. */
  static AcquisitionFactory noisyExpectedImprovement() {
    return of("noisy-ei", true, (gp, inc) -> new NoisyExpectedImprovement(gp, inc.point(), true));
  }

  /** Plug-in EI with {@code best} = the incumbent's posterior mean. */
  static AcquisitionFactory expectedImprovement() {
    return of("ei", true, (gp, inc) -> new ExpectedImprovement(gp, inc.mean()));
  }

  /** Plug-in log-EI with {@code best} = the incumbent's posterior mean. */
  static AcquisitionFactory logExpectedImprovement() {
    return of("log-ei", true, (gp, inc) -> new LogExpectedImprovement(gp, inc.mean()));
  }

  static AcquisitionFactory probabilityOfImprovement() {
    return of("pi", true, (gp, inc) -> new ProbabilityOfImprovement(gp, inc.mean()));
  }

  static AcquisitionFactory lowerConfidenceBound(double beta) {
    return of("lcb", false, (gp, inc) -> new LowerConfidenceBound(gp, beta));
  }

  private static AcquisitionFactory of(String name, boolean weighting,
      BiFunction<GaussianProcess, Incumbent, AcquisitionFunction> f) {
    return new AcquisitionFactory() {
      @Override
      public AcquisitionFunction create(GaussianProcess objective, Incumbent incumbent) {
        return f.apply(objective, incumbent);
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean supportsFeasibilityWeighting() {
        return weighting;
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}

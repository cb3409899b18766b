package io.bocomp.bo.acquisition;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.bo.model.GaussianProcess;
import org.junit.jupiter.api.Test;

/**
 * The built-in {@link AcquisitionFactory} choices (docs/bo-api.md lists them): each builds the
 * acquisition it names from the posterior and the incumbent (values equal to the class built by
 * hand at several points), under its log name, and says whether probabilities of feasibility may
 * weight it (all but LCB).
 */
class AcquisitionFactoryTest {
  private static final GaussianProcess GP = AcquisitionFunctionTest.gp(12, 2, 5, 1e-3);
  private static final Incumbent INC = new Incumbent(GP.trainingInput(3), -0.4);
  private static final double[][] POINTS = {{0.1, 0.9}, {0.5, 0.5}, {0.83, 0.27}};

  private static void assertSame(AcquisitionFactory f, AcquisitionFunction byHand, String name,
      boolean weighting) {
    AcquisitionFunction a = f.create(GP, INC);
    assertThat(a).isExactlyInstanceOf(byHand.getClass());
    for (double[] u : POINTS) {
      assertThat(a.value(u)).isEqualTo(byHand.value(u));
    }
    assertThat(f.name()).isEqualTo(name);
    assertThat(f.toString()).isEqualTo(name);
    assertThat(f.supportsFeasibilityWeighting()).isEqualTo(weighting);
  }

  @Test
  void eachBuiltInChoiceBuildsTheAcquisitionItNames() {
    assertSame(AcquisitionFactory.noisyExpectedImprovement(),
        new NoisyExpectedImprovement(GP, INC.point(), true), "noisy-ei", true);
    assertSame(AcquisitionFactory.expectedImprovement(),
        new ExpectedImprovement(GP, INC.mean()), "ei", true);
    assertSame(AcquisitionFactory.logExpectedImprovement(),
        new LogExpectedImprovement(GP, INC.mean()), "log-ei", true);
    assertSame(AcquisitionFactory.probabilityOfImprovement(),
        new ProbabilityOfImprovement(GP, INC.mean()), "pi", true);
    assertSame(AcquisitionFactory.lowerConfidenceBound(2.5), new LowerConfidenceBound(GP, 2.5),
        "lcb", false);
  }
}

package io.bocomp.bo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/bo-api.md, kept compiling and checked here. */
class DocsExampleTest {
  static double loss(double[] x) {
    return Math.pow(x[0] - 0.3, 2) + Math.pow(x[1] - 20, 2) / 400 + 0.01 * Math.sin(9 * x[0]);
  }

  static double latency(double[] x) {
    return 0.1 * x[1] + 2 * x[0];
  }

  static BayesOpt.Builder configured(Space space) {
    return BayesOpt.builder(space)
        .seed(42)
        .knownConstraint("params", x -> x[0] * x[1] <= 40)
        .blackBoxConstraint("latency_ms", 4.0);
  }

  @Test
  void theDocumentedExampleRunsAndRespectsItsConstraints(@TempDir Path dir) throws Exception {
    Space space = Space.builder()
        .continuous("keep_fraction", 0.05, 1.0)
        .integer("rank", 1, 64)
        .build();
    BayesOpt bo = configured(space).build();
    OptimizationResult r = bo.minimize(
        x -> Evaluation.of(loss(x), 0.005).withConstraint("latency_ms", latency(x)), 40);
    assertThat(r.bestX()[0] * r.bestX()[1]).isLessThanOrEqualTo(40);
    assertThat(latency(r.bestX())).isLessThanOrEqualTo(4.0);
    assertThat(r.bestX()[1]).isEqualTo(Math.rint(r.bestX()[1]));
    // the constrained optimum: rank 20 needs keep_fraction <= min(2, (4 − 2)/2 = 1); loss ≈ 0 near (0.3, 20)
    assertThat(loss(r.bestX())).isLessThan(0.02);
    assertThat(r.certificate().probability()).isBetween(0.0, 1.0);
    for (Observation o : r.observations()) {
      assertThat(o.x()[0] * o.x()[1]).isLessThanOrEqualTo(40);
    }

    BayesOpt asked = BayesOpt.builder(space).seed(7).build();
    for (int round = 0; round < 8; round++) {
      List<double[]> batch = asked.suggest(4);
      for (double[] x : batch) {
        asked.observe(x, Evaluation.of(loss(x), 0.005));
      }
    }
    assertThat(asked.observations()).hasSize(32);
    assertThat(loss(asked.result().bestX())).isLessThan(0.05);

    Path file = dir.resolve("bo-state.json");
    bo.state().write(file);
    BayesOpt resumed = configured(space).resume(BayesOptState.read(file)).build();
    assertThat(Files.readString(file)).isEqualTo(resumed.state().toJson());
    assertThat(resumed.suggest(1).get(0)).containsExactly(bo.suggest(1).get(0));
  }
}

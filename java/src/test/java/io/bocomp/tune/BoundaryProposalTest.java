package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lagrangian search's budget-boundary proposals ({@code boundary_every}): every N-th BO trial
 * minimizes L under the exact budget, so it is journalled without a multiplier and with the budget
 * as its bound, and it meets the budget; with 0 there are none.
 */
class BoundaryProposalTest {
  private static final int DESIGN = 8;

  @TempDir Path dir;

  @Test
  void everySecondBoTrialIsProposedAtTheBudgetAndMeetsIt() {
    List<JsonNode> trials = run(2, "two");
    // the design: its 8 points plus the allocators' seeds, up to the first model proposal
    int design = 0;
    while (trials.get(design).path("lambda").isNull() && trials.get(design).path("kappa").isNull()) {
      design++;
    }
    assertThat(design).isGreaterThanOrEqualTo(DESIGN);
    int boundary = 0;
    for (JsonNode t : trials.subList(design, trials.size())) {
      int bo = t.path("trial").asInt() - design;
      String phase = t.path("phase").asText();
      if (phase.equals("bo")) {
        assertThat(t.path("cached").asBoolean()).as("trial %s repeats a measured network",
            t.path("trial")).isFalse();
      }
      if (bo % 4 == 3) {
        assertThat(phase).as("trial %s explores", t.path("trial")).isEqualTo(BoProposer.EXPLORE);
      } else if (bo % 2 == 1) {
        assertThat(t.path("lambda").isNull()).as("trial %s: no multiplier", t.path("trial"))
            .isTrue();
        assertThat(t.path("kappa").asDouble()).isEqualTo(0.25);
        if (phase.equals("bo")) {
          assertThat(t.path("feasible").asBoolean()).as("trial %s", t.path("trial")).isTrue();
          boundary++;
        }
      } else if (phase.equals("bo")) {
        assertThat(t.path("lambda").isNumber()).as("trial %s: Lagrangian", t.path("trial"))
            .isTrue();
      }
    }
    assertThat(boundary).as("boundary proposals that were not repeats").isGreaterThan(0);
  }

  @Test
  void zeroMakesEveryModelProposalALagrangianOne() {
    for (JsonNode t : run(0, "zero")) {
      if (t.path("phase").asText().equals("bo")) {
        assertThat(t.path("lambda").isNumber()).as("trial %s", t.path("trial")).isTrue();
        assertThat(t.path("kappa").isNull()).isTrue();
      }
    }
  }

  private List<JsonNode> run(int boundaryEvery, String name) {
    RunConfig c = DefaultModelRuns.quarterOfParams(24, 16, 5).initialDesign(DESIGN)
        .mode(RunConfig.Mode.LAGRANGIAN).boundaryEvery(boundaryEvery).build();
    DefaultModelRuns.tune(DefaultModelRuns.unlabeledInputs(200), c, dir.resolve(name));
    List<JsonNode> trials = JournalTrials.of(dir.resolve(name));
    assertThat(trials).hasSize(24);
    return trials;
  }
}

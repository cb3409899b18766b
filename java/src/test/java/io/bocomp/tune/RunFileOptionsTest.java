package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run-file options: noise, cooling_eta and parameter logrank (issue 16 §4), and the check that no
 * hook sits on the last stage, where it would never run.
 */
class RunFileOptionsTest {
  @TempDir Path dir;

  private RunConfig read(String json) throws Exception {
    Path f = dir.resolve("run.json");
    Files.writeString(f, json);
    RunConfig.Builder b = RunConfig.builder();
    RunConfig.readRunFile(f, b);
    return b.build();
  }

  @Test
  void theRunFileSetsNoiseCoolingEtaAndLogRankAndTheJsonReadsBack() throws Exception {
    RunConfig c = read("{\"noise\": \"fixed\", \"cooling_eta\": 0, \"parameter\": \"logrank\"}");
    assertThat(c.noise).isEqualTo(ObjectiveNoise.FIXED);
    assertThat(c.coolingEta).isZero();
    assertThat(c.parametrization).isEqualTo(Parametrization.LOGRANK);
    RunConfig back = read(c.toJson().toString());
    assertThat(back.toJson()).isEqualTo(c.toJson());
    assertThat(back.noise).isEqualTo(ObjectiveNoise.FIXED);
    RunConfig d = read("{}");
    assertThat(d.noise).isEqualTo(RunConfig.DEFAULT_NOISE);
    assertThat(d.toJson().has("noise")).isFalse();
  }

  @Test
  void aHookOnTheLastStageIsRefusedByName() throws Exception {
    String stages = "{\"stages\": [{\"name\": \"conv\", \"layers\": [\"/features/*\"],"
        + " \"hook\": \"true\"}, {\"name\": \"fc\", \"layers\": [\"/classifier/*\"]%s}]}";
    assertThat(read(String.format(stages, "")).stages).extracting(Stage::hook)
        .containsExactly("true", null);
    assertThatThrownBy(() -> read(String.format(stages, ", \"hook\": \"true\"")))
        .isInstanceOf(TuneConfigException.class).hasMessageContaining("stages[1].hook")
        .hasMessageContaining("--finetune-epochs");
  }

  @Test
  void badValuesNameTheField() {
    assertThatThrownBy(() -> read("{\"noise\": \"fresh\"}")).isInstanceOf(TuneConfigException.class)
        .hasMessageContaining("\"noise\"").hasMessageContaining("stderr");
    assertThatThrownBy(() -> read("{\"cooling_eta\": -0.5}"))
        .isInstanceOf(TuneConfigException.class).hasMessageContaining("cooling_eta");
    assertThatThrownBy(() -> read("{\"parameter\": \"loglog\"}"))
        .isInstanceOf(TuneConfigException.class).hasMessageContaining("logrank");
  }

  @Test
  void fixedNoiseGivesEveryObservationTheSameSmallErrorAndStderrTheDeltaMethodOne() {
    assertThat(ObjectiveNoise.FIXED.logStderr(0.3, 2.0)).isEqualTo(ObjectiveNoise.FIXED_SE);
    assertThat(ObjectiveNoise.STDERR.logStderr(0.3, 2.0)).isEqualTo(0.15);
  }
}

package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.train.Distillation;
import io.bocomp.train.Loss;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The fine-tuning options take their defaults from {@link Distillation.Settings#defaults}. */
class DistillationDefaultsTest {
  private static final Distillation.Settings DEFAULTS = Distillation.Settings.defaults(1);

  @Test
  void finetuneWithNoOptionsHasTheLibraryDefaults() {
    FinetuneCommand c = new FinetuneCommand();
    new CommandLine(c).parseArgs("student.onnx");
    assertThat(c.settings()).isEqualTo(DEFAULTS);
  }

  @Test
  void anOptionGivenOverridesItsDefaultOnly() {
    FinetuneCommand c = new FinetuneCommand();
    new CommandLine(c).parseArgs("student.onnx", "--weight-decay", "0.0005", "--loss", "mse");
    Distillation.Settings s = c.settings();
    assertThat(s.weightDecay()).isEqualTo(0.0005f);
    assertThat(s.loss()).isEqualTo(Loss.Kind.MSE);
    assertThat(s.withLr(DEFAULTS.lr())).isNotEqualTo(DEFAULTS);
    assertThat(s.lr()).isEqualTo(DEFAULTS.lr());
    assertThat(s.clipNorm()).isEqualTo(DEFAULTS.clipNorm());
  }

  @Test
  void tuneFineTuningLearningRateDefaultsToTheLibrarys() {
    TuneCommand c = new TuneCommand();
    new CommandLine(c).parseArgs();
    assertThat(c.finetuneLr).isEqualTo(DEFAULTS.lr());
    assertThat(c.finetuneEpochs).isZero();
    assertThat(c.temperature).as("tune's KL temperature is not fine-tuning's").isNull();
  }

  @Test
  void helpShowsTheDefaultsWithoutTrailingZeros() {
    String help = new CommandLine(new FinetuneCommand()).getUsageMessage();
    assertThat(help).contains("(default: 0.01)", "(default: 64)", "(default: sgd)",
        "(default: kd)", "(default: 4)", "(default: 5)", "(default: 0.9)");
  }

  @Test
  void kebabCaseNamesMapToComponents() {
    assertThat(DistillationDefaults.camelCase("weight-decay")).isEqualTo("weightDecay");
    assertThat(DistillationDefaults.camelCase("lr")).isEqualTo("lr");
    assertThat(DistillationDefaults.format(0f)).isEqualTo("0");
    assertThat(DistillationDefaults.format(0.01f)).isEqualTo("0.01");
    assertThat(DistillationDefaults.format(Loss.Kind.KD)).isEqualTo("kd");
  }
}

package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class MainWarmUpTest {
  @Test
  void onlyCommandsThatRunNetworksWarmTheTilesUp() {
    assertThat(Main.runsTheEngine(new String[] {"tune"})).isTrue();
    assertThat(Main.runsTheEngine(new String[] {"compare", "m.onnx", "--trials", "10"})).isTrue();
    assertThat(Main.runsTheEngine(new String[] {})).isFalse();
    assertThat(Main.runsTheEngine(new String[] {"--help"})).isFalse();
    assertThat(Main.runsTheEngine(new String[] {"tune", "--help"})).isFalse();
    assertThat(Main.runsTheEngine(new String[] {"ops"})).isFalse();
    assertThat(Main.runsTheEngine(new String[] {"report", "runs/x"})).isFalse();
  }

  @Test
  void theEngineCommandsAreCommands() {
    PrintStream none = new PrintStream(new ByteArrayOutputStream());
    var commands = Main.commandLine(none, none, false).getSubcommands().keySet();
    for (String c : new String[] {"tune", "compare", "compress", "finetune", "eval", "run", "worker"}) {
      assertThat(commands).as("a command named in Main's warm-up list").contains(c);
      assertThat(Main.runsTheEngine(new String[] {c})).isTrue();
    }
  }
}

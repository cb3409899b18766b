package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTextTest {
  @Test
  void everyCommandsHelpRendersWithoutPicocliWarnings() {
    // picocli formats descriptions with String.format: an unescaped '%' makes it warn on stderr
    PrintStream none = new PrintStream(new ByteArrayOutputStream());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = Main.commandLine(none, none, false);
      cl.getUsageMessage();
      for (CommandLine sub : cl.getSubcommands().values()) {
        assertThat(sub.getUsageMessage()).isNotBlank();
      }
    } finally {
      System.setErr(saved);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
  }
}

package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

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

  @Test
  void everyCommandAndOptionHasADescription() {
    // the descriptions come from each command's resource bundle: a missing key renders blank
    PrintStream none = new PrintStream(new ByteArrayOutputStream());
    CommandLine cl = Main.commandLine(none, none, false);
    for (CommandLine sub : cl.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      assertThat(String.join("", spec.usageMessage().description()))
          .as(spec.name()).isNotBlank();
      for (ArgSpec a : spec.args()) {
        String name = a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
        assertThat(String.join("", a.description())).as(spec.name() + " " + name).isNotBlank();
      }
    }
  }

  @Test
  void bundleDescriptionsAreNotDroppedByARename() {
    // a bundle key that names no option would be dead text (an option renamed in the code only)
    PrintStream none = new PrintStream(new ByteArrayOutputStream());
    CommandLine cl = Main.commandLine(none, none, false);
    for (CommandLine sub : cl.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      ResourceBundle b = spec.resourceBundle();
      if (b == null) {
        continue;
      }
      for (String key : Collections.list(b.getKeys())) {
        if (key.startsWith("usage.")) {
          continue;
        }
        String base = key.replaceFirst("\\.\\d+$", "");
        boolean named = spec.options().stream().anyMatch(o -> Arrays.stream(o.names())
            .anyMatch(n -> n.replaceFirst("^-+", "").equals(base)));
        assertThat(named).as(spec.name() + " bundle key " + key).isTrue();
      }
    }
  }
}

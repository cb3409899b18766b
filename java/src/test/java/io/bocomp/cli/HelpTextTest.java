package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
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
    for (CommandSpec spec : commands()) {
      assertThat(String.join("", spec.usageMessage().description()))
          .as(spec.name()).isNotBlank();
      for (ArgSpec a : spec.args()) {
        String name = a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
        assertThat(String.join("", a.description())).as(spec.name() + " " + name).isNotBlank();
      }
    }
  }

  @Test
  void everyBundleKeyNamesAnOption() {
    // a key that names no option is dead text (an option renamed in the code only)
    for (CommandSpec spec : commands()) {
      ResourceBundle b = spec.resourceBundle();
      List<String> keys = b == null ? List.of() : Collections.list(b.getKeys());
      for (String key : keys.stream().filter(k -> !k.startsWith("usage.")).toList()) {
        String base = key.replaceFirst("\\.\\d+$", "");
        assertThat(spec.options().stream().flatMap(o -> Arrays.stream(o.names()))
            .map(n -> n.replaceFirst("^-+", ""))).as(spec.name() + " bundle key " + key)
            .contains(base);
      }
    }
  }

  private static List<CommandSpec> commands() {
    PrintStream none = new PrintStream(new ByteArrayOutputStream());
    return Main.commandLine(none, none, false).getSubcommands().values().stream()
        .map(CommandLine::getCommandSpec).toList();
  }
}

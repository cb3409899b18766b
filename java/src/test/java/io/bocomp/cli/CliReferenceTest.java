package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/cli.md documents every option of every command: its reference part is the {@code --help}
 * of each command, verbatim (regenerate it with {@code -Dbocomp.docs.write=true} on this test),
 * and each option is also named in the hand-written part or in the command's own doc page.
 */
class CliReferenceTest {
  private static final Path DOC = Path.of("../docs/cli.md");
  private static final String MARK = "<!-- generated: the --help of every command -->";

  /** The generated reference: every subcommand's --help, in the order of {@code bocomp --help}. */
  static String reference() {
    StringBuilder b = new StringBuilder(MARK).append("\n");
    CommandLine root = Main.commandLine(System.out, System.err, false);
    for (String name : root.getSubcommands().keySet()) {
      CliRunner r = CliRunner.run(name, "--help");
      b.append("\n### `bocomp ").append(name).append("`\n\n```\n").append(r.out.stripTrailing())
          .append("\n```\n");
    }
    return b.toString();
  }

  @Test
  void theReferenceIsTheHelpOfEveryCommand() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int at = doc.indexOf(MARK);
    assertThat(at).as("docs/cli.md has the marker line").isPositive();
    String expected = doc.substring(0, at) + reference();
    if (Boolean.getBoolean("bocomp.docs.write")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    }
    assertThat(doc).as("docs/cli.md is stale: run CliReferenceTest with -Dbocomp.docs.write=true")
        .isEqualTo(expected);
  }

  @Test
  void everyOptionIsExplainedInProseToo() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    String prose = doc.substring(0, doc.indexOf(MARK))
        + Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    try (var s = Files.list(Path.of("../docs"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".md") && !p.equals(DOC)).toList()) {
        prose += Files.readString(p, StandardCharsets.UTF_8);
      }
    }
    List<String> missing = new ArrayList<>();
    CommandLine root = Main.commandLine(System.out, System.err, false);
    for (var e : root.getSubcommands().entrySet()) {
      for (OptionSpec o : e.getValue().getCommandSpec().options()) {
        String name = o.longestName();
        if (List.of("--help", "--version", "--verbose").contains(name)) {
          continue;
        }
        if (!java.util.regex.Pattern.compile("(?<![\\w-])" + java.util.regex.Pattern.quote(name)
            + "(?![\\w-])").matcher(prose).find()) {
          missing.add(e.getKey() + " " + name);
        }
      }
    }
    assertThat(missing).as("options named nowhere in README.md or docs/*.md outside the"
        + " generated reference").isEmpty();
  }
}

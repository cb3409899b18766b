package io.bocomp.cli;

import picocli.CommandLine.Option;

/**
 * {@code --json}, the picocli mixin of the commands whose whole report is one JSON object
 * ({@code compare}, {@code compress}, {@code eval}, {@code finetune}, {@code inspect},
 * {@code tune}): with it, stdout holds only that object ({@link JsonOutput}) and progress bars
 * stay off.
 */
final class JsonOption {
  @Option(names = "--json", description = "Print only JSON on stdout.")
  boolean on;
}

package io.bocomp.cli;

import picocli.CommandLine.Option;

/**
 * {@code --quiet}, the picocli mixin of the commands that report progress on stderr while they run
 * ({@code compare}, {@code tune}): with it, no progress bar and no progress lines ({@code --json}
 * turns them off too); the result on stdout is the same.
 */
final class QuietOption {
  @Option(names = "--quiet", description = "No progress bar or lines on stderr.")
  boolean on;
}

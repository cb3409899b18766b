package io.bocomp.cli;

import io.bocomp.BocompException;
import picocli.CommandLine.Option;

/**
 * {@code --limit N}, the picocli mixin of the commands that read {@code --images}: use only the
 * first N images (0, the default: all). {@link #check} refuses a negative N with one line.
 */
final class LimitOption {
  @Option(names = "--limit", paramLabel = "N", description = "Use only the first N images.")
  int n;

  /** @throws BocompException when N is negative */
  void check() {
    if (n < 0) {
      throw new BocompException("--limit must be >= 0, got " + n);
    }
  }
}

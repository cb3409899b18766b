package io.bocomp.cli;

import io.bocomp.BocompException;
import picocli.CommandLine.Option;

/**
 * {@code --batch N}, the picocli mixin of the commands that stream images through a model
 * ({@code eval}, {@code compress --images}): images per forward pass, 100 by default. Only the
 * speed and memory depend on it. {@link #check} refuses N below 1 with one line.
 */
final class BatchOption {
  @Option(names = "--batch", paramLabel = "N", defaultValue = "100",
      description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int n;

  /** @throws BocompException when N is below 1 */
  void check() {
    if (n < 1) {
      throw new BocompException("--batch must be >= 1, got " + n);
    }
  }
}

package io.bocomp.cli;

import picocli.CommandLine.Option;

/**
 * {@code --backend cpu|cuda|auto}, the picocli mixin of the commands that run models
 * ({@code compress --images}, {@code eval}, {@code run}, {@code tune}): the name goes to {@link io.bocomp.engine.Backends#create}, which
 * refuses an unknown one and falls back to the CPU with a warning when CUDA is unavailable.
 */
final class BackendOption {
  @Option(names = "--backend", paramLabel = "cpu|cuda|auto", defaultValue = "cpu",
      description = "Where to run (default: ${DEFAULT-VALUE}); cuda falls back to cpu with a"
          + " warning.")
  String name;
}

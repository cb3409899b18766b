package io.bocomp.cli;

import io.bocomp.BocompException;
import io.bocomp.tune.Parametrization;
import picocli.CommandLine.Option;

/**
 * {@code --parameter}, the picocli mixin of {@code tune} and {@code compare}: the tuner's search
 * scale for factorized layers (log rank fractions, rank fractions or energy fractions; pruning is
 * chosen with {@code --method prune}, not here).
 */
final class ParameterOption {
  @Option(names = "--parameter", paramLabel = "logrank|rank|energy",
      description = "Search log rank fractions (default), rank fractions or energy fractions for"
          + " factorized layers.")
  String value;

  /** The chosen scale, or null when the option is absent (the run's default). */
  Parametrization resolve() {
    if (value == null) {
      return null;
    }
    Parametrization p = Parametrization.fromJson(value);
    if (p == null || p == Parametrization.PRUNE) {
      throw new BocompException("--parameter must be logrank, rank or energy, got '" + value + "'");
    }
    return p;
  }
}

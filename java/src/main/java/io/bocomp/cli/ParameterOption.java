package io.bocomp.cli;

import io.bocomp.BocompException;
import io.bocomp.tune.Parametrization;
import picocli.CommandLine.Option;

/**
 * {@code --parameter}, the picocli mixin of {@code tune} and {@code compare}: the tuner's search
 * scale for factorized layers (energy fractions, log rank fractions or rank fractions; pruning is
 * chosen with {@code --method prune}, not here).
 */
final class ParameterOption {
  @Option(names = "--parameter", paramLabel = "energy|logrank|rank",
      description = "Search energy fractions (default), log rank fractions or rank fractions for"
          + " factorized layers.")
  String value;

  /** The chosen scale, or null when the option is absent (the run's default). */
  Parametrization resolve() {
    if (value == null) {
      return null;
    }
    Parametrization p = Parametrization.fromJson(value);
    if (p == null || p == Parametrization.PRUNE) {
      throw new BocompException("--parameter must be energy, logrank or rank, got '" + value + "'");
    }
    return p;
  }
}

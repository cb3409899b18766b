package io.bocomp.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --cache-dir DIR}, the picocli mixin of the commands that decompose a model's layers
 * ({@code compare}, {@code compress}, {@code inspect}, {@code tune}): where
 * {@link io.bocomp.compress.FactorCache} keeps the factors; null (not given) means its default.
 */
final class CacheDirOption {
  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Factor cache directory (default: $XDG_CACHE_HOME/bocomp, else"
          + " ~/.cache/bocomp); nothing is ever written beside the model.")
  Path dir;
}

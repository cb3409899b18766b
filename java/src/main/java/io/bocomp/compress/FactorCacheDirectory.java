package io.bocomp.compress;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where {@link FactorCache} keeps its files: never beside the user's model, always in bocomp's own
 * cache directory. In order of precedence: the directory a caller names ({@code --cache-dir}); the
 * {@code bocomp.cache.dir} system property (the test suite points it into {@code target/}); {@code
 * $XDG_CACHE_HOME/bocomp} when that variable holds an absolute path (the XDG Base Directory
 * specification says to ignore a relative one); else {@code ~/.cache/bocomp}. The environment and
 * the system properties are looked up through functions, so a test can pass its own.
 */
public final class FactorCacheDirectory {
  /** The system property that overrides the default location (below an explicit directory). */
  public static final String PROPERTY = "bocomp.cache.dir";

  private FactorCacheDirectory() {}

  /** The cache directory for this process: {@code explicit}, else the default location. */
  public static Path resolve(Path explicit) {
    return resolve(explicit, System::getenv, System::getProperty);
  }

  /**
   * The cache directory.
   *
   * @param explicit a directory the user named, or null
   * @param env environment lookup (returns null for an unset variable)
   * @param properties system-property lookup (returns null for an unset property)
   */
  public static Path resolve(Path explicit, UnaryOperator<String> env,
      UnaryOperator<String> properties) {
    if (explicit != null) {
      return explicit;
    }
    String property = properties.apply(PROPERTY);
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String xdg = env.apply("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "bocomp");
    }
    String home = properties.apply("user.home");
    if (home == null || home.isBlank()) {
      home = env.apply("HOME");
    }
    return Path.of(home == null ? "." : home, ".cache", "bocomp");
  }
}

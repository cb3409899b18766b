package io.bocomp.fuzz;

import io.bocomp.BocompException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What every fuzz target checks: the code under test either returns or throws one of bocomp's
 * documented user errors (the {@link BocompException} family) with a one-line message. Anything
 * else (a {@code NullPointerException}, an {@code IllegalArgumentException}, an {@code
 * OutOfMemoryError}, a {@code StackOverflowError}) escapes and is a finding. Plus small helpers
 * for targets whose readers take files.
 */
final class FuzzChecks {
  private FuzzChecks() {}

  /** Why the fuzz targets are skipped where Jazzer's agent cannot load. */
  static final String NO_AGENT = "Jazzer's agent attaches to the running JVM: it needs the"
      + " jdk.attach module (a full JDK, not a JRE) and attaching not disabled";

  /**
   * True where Jazzer can install its agent into this JVM (the fuzz targets run in regression mode
   * as well as when fuzzing, and both need it): the JDK's attach module is present and attaching
   * is not switched off. Where it is false the targets are skipped with {@link #NO_AGENT}.
   */
  static boolean jazzerCanLoad() {
    boolean attach = ModuleLayer.boot().findModule("jdk.attach").isPresent();
    boolean disabled = java.lang.management.ManagementFactory.getRuntimeMXBean()
        .getInputArguments().contains("-XX:+DisableAttachMechanism");
    return attach && !disabled;
  }

  /** Code under test; may throw anything. */
  @FunctionalInterface
  interface Target {
    void run() throws Exception;
  }

  /**
   * Runs {@code target}; a {@link BocompException} with a non-empty one-line message is an expected
   * outcome, any other throwable is rethrown (wrapped when checked) for the fuzzer to report.
   */
  static void assertOnlyDocumentedErrors(Target target) {
    try {
      target.run();
    } catch (BocompException e) {
      String m = e.getMessage();
      if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
        throw new AssertionError("a user error must be one non-empty line, got: " + m, e);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("checked exception escaped: " + e, e);
    }
  }

  /** Code under test that reads a file. */
  @FunctionalInterface
  interface FileTarget {
    void run(Path file) throws Exception;
  }

  /**
   * Writes {@code bytes} as {@code name} into a fresh temporary directory and runs {@code target}
   * on that file under {@link #assertOnlyDocumentedErrors}; the directory is deleted afterwards.
   */
  static void assertOnlyDocumentedErrorsOnFile(String name, byte[] bytes, FileTarget... targets) {
    Path dir = tempDir();
    try {
      Path f = write(dir.resolve(name), bytes);
      for (FileTarget t : targets) {
        assertOnlyDocumentedErrors(() -> t.run(f));
      }
    } finally {
      delete(dir);
    }
  }

  /** A fresh temporary directory (deleted by {@link #delete}). */
  static Path tempDir() {
    try {
      return Files.createTempDirectory("bocomp-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code bytes} to {@code file}, creating its parents. */
  static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory tree (best effort: making files read-only is not something targets do). */
  static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

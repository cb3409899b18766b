package io.bocomp.tune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The run's output directory: checked before any work (so a bad {@code --out} fails at once and
 * leaves nothing behind, and a directory another live process works in is refused: {@link
 * RunLock}), created only when the run starts writing.
 */
final class RunDirectory {
  private RunDirectory() {}

  /**
   * Checks that a run can write to {@code dir} without changing anything on disk.
   *
   * @param resume true when continuing the run in {@code dir} (its journal must exist)
   * @throws TuneConfigException naming the directory and the reason
   */
  static void check(Path dir, boolean resume) {
    Path journal = dir.resolve(Journal.FILE);
    if (resume) {
      if (!Files.isDirectory(dir)) {
        throw new TuneConfigException("--resume " + dir + ": no such directory");
      }
      if (!Files.isRegularFile(journal)) {
        throw new TuneConfigException("--resume " + dir + ": no " + Journal.FILE
            + " there (not a tuning run directory)");
      }
      if (!Files.isWritable(dir) || !Files.isWritable(journal)) {
        throw new TuneConfigException("--resume " + dir + ": not writable");
      }
      RunLock.checkFree(dir, "--resume");
      return;
    }
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new TuneConfigException("--out " + dir + ": exists and is not a directory");
      }
      if (!Files.isWritable(dir)) {
        throw new TuneConfigException("--out " + dir + ": directory is not writable");
      }
      RunLock.checkFree(dir, "--out");
      if (Files.exists(journal)) {
        throw new TuneConfigException("--out " + dir + ": already holds a tuning run ("
            + Journal.FILE + "); continue it with --resume " + dir + " or choose another --out");
      }
      return;
    }
    Path p = dir.toAbsolutePath().getParent();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null || !Files.isDirectory(p)) {
      throw new TuneConfigException("--out " + dir + ": cannot be created ("
          + (p == null ? "no existing parent" : p + " is not a directory") + ")");
    }
    if (!Files.isWritable(p)) {
      throw new TuneConfigException("--out " + dir + ": cannot be created (" + p
          + " is not writable)");
    }
  }

  /**
   * Deletes the temporary files of {@code outputs} that a killed run left in {@code dir}
   * (AtomicFiles writes a temporary file, then renames it). Only under the run's lock, where no
   * other process writes there.
   */
  static void removeLeftovers(Path dir, String... outputs) {
    for (String o : outputs) {
      io.bocomp.AtomicFiles.removeLeftovers(dir, o, 0);
    }
  }

  /** Creates the directory (and parents). */
  static void create(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TuneConfigException("--out " + dir + ": cannot create (" + e.getMessage() + ")", e);
    }
  }
}

package io.bocomp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a reader never sees a partial one: the content goes to a temporary file in
 * the same directory, is forced to disk, and is then moved over the target atomically. On any failure
 * the temporary file is removed and the target is untouched.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code content} to {@code target} atomically. */
  public static void write(Path target, Content content) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      if (dir != null && !Files.isDirectory(dir)) {
        throw new BocompException(target + ": directory " + dir + " does not exist");
      }
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
      setPermissions(tmp, abs);
      try (OutputStream out = Files.newOutputStream(tmp)) {
        content.writeTo(out);
      }
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      forceDirectory(dir); // the rename itself survives a power loss only once the directory is
    } catch (AccessDeniedException e) {
      throw new BocompException(target + ": cannot write (permission denied)", e);
    } catch (IOException e) {
      throw new BocompException(target + ": cannot write (" + e.getMessage() + ")", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the target was not touched
        }
      }
    }
  }

  /**
   * Forces a directory's entries (a rename or a new file in it) to disk; a no-op where the
   * platform cannot open directories.
   */
  public static void forceDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (var d = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported on this platform: the files' own data is forced
    }
  }

  /**
   * Temporary files are created owner-only (0600); the result should look like any other file the
   * user writes: the target's current permissions when it exists, else rw-r--r--.
   */
  private static void setPermissions(Path tmp, Path target) throws IOException {
    if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
      return;
    }
    Set<PosixFilePermission> perms = Files.exists(target)
        ? Files.getPosixFilePermissions(target)
        : PosixFilePermissions.fromString("rw-r--r--");
    Files.setPosixFilePermissions(tmp, perms);
  }

  /** Produces a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }
}

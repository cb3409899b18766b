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
  /** The fault {@link #injectFault} armed, or null. */
  private static volatile Fault fault;

  private AtomicFiles() {}

  /**
   * A fault for tests of what a failed write leaves behind: writes of files named {@code
   * fileName} fail with an {@link IOException} after {@code afterBytes} bytes of content (midway:
   * a full disk, a lost mount), or, with {@code afterBytes < 0}, at once with an {@link
   * AccessDeniedException} (a read-only directory; as root a real one cannot be made). Active
   * until the returned handle is closed; one fault at a time, for every thread.
   */
  public static AutoCloseable injectFault(String fileName, long afterBytes) {
    Fault f = new Fault(fileName, afterBytes);
    fault = f;
    return () -> {
      if (fault == f) {
        fault = null;
      }
    };
  }

  private record Fault(String fileName, long afterBytes) {}

  /** Passes bytes through until the fault's count, then fails. */
  private static final class FailingStream extends java.io.FilterOutputStream {
    private long left;

    FailingStream(OutputStream out, long afterBytes) {
      super(out);
      this.left = afterBytes;
    }

    @Override
    public void write(int b) throws IOException {
      if (left-- <= 0) {
        throw new IOException("injected fault: write failed midway");
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) {
        out.write(b, off, (int) Math.max(0, left));
        left = 0;
        throw new IOException("injected fault: write failed midway");
      }
      out.write(b, off, len);
      left -= len;
    }
  }

  /** Writes {@code content} to {@code target} atomically. */
  public static void write(Path target, Content content) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      if (dir != null && !Files.isDirectory(dir)) {
        throw new BocompException(target + ": directory " + dir + " does not exist");
      }
      Fault f = fault;
      boolean faulty = f != null && abs.getFileName().toString().equals(f.fileName());
      if (faulty && f.afterBytes() < 0) {
        throw new AccessDeniedException(String.valueOf(dir), null, "injected fault");
      }
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
      setPermissions(tmp, abs);
      try (OutputStream out = faulty ? new FailingStream(Files.newOutputStream(tmp),
          f.afterBytes()) : Files.newOutputStream(tmp)) {
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
      removeLeftovers(dir, abs.getFileName().toString(), STALE_MILLIS);
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

  /** Age after which a temporary file of a target is taken as left by a killed writer. */
  static final long STALE_MILLIS = 3_600_000;

  /**
   * Deletes the temporary files that writers of {@code fileName} in {@code dir} left behind when
   * they were killed between creating and renaming them ({@code .NAME.*.tmp}), if they are at
   * least {@code olderThanMillis} old (0: all of them; only where no other process can be writing
   * that file, e.g. under a run directory's lock). Best effort: errors are ignored.
   */
  public static void removeLeftovers(Path dir, String fileName, long olderThanMillis) {
    long now = System.currentTimeMillis();
    String prefix = "." + fileName + ".";
    try (var s = Files.newDirectoryStream(dir, p -> {
      String n = p.getFileName().toString();
      return n.startsWith(prefix) && n.endsWith(".tmp") && n.length() > prefix.length() + 4;
    })) {
      for (Path p : s) {
        try {
          if (olderThanMillis <= 0
              || now - Files.getLastModifiedTime(p).toMillis() >= olderThanMillis) {
            Files.deleteIfExists(p);
          }
        } catch (IOException ignored) {
          // another process removed or renamed it
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // best effort
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

package io.bocomp.tune;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The lock that keeps a second process off a run directory while a tuning run works in it:
 * {@code DIR/.bocomp.lock}, holding {@code pid=..., host=..., started=...} of the process that
 * holds it, and locked with an operating-system file lock ({@link FileChannel#tryLock}) for as
 * long as that process holds it.
 *
 * <p>Algorithm: open (or create) the file and try the OS lock. The kernel drops the OS lock when
 * its process ends, however it ends (kill -9 included), so a lock file left behind by a killed run
 * is stale by construction: the next process gets the OS lock and overwrites the file. If the OS
 * lock is taken, the directory is in use, and the error names the PID and host from the file. Where
 * the file system has no working OS locks ({@code tryLock} fails with an I/O error, as on some
 * network file systems), or when the file names a process that the OS lock did not stop (an older
 * bocomp, another machine), the file's contents decide: a holder on this host whose process is
 * gone (no such PID, or a PID reused by a process started at another time) is stale and taken
 * over; a live holder, or any holder on another host, keeps the directory. On release the file is
 * emptied (not deleted: deleting a locked file would let two later processes lock two different
 * files) and the OS lock is dropped.
 *
 * <p>Limits: a holder on another host that died cannot be detected; the error says which file to
 * delete. Two {@code RunLock}s of one JVM on one directory exclude each other too, but a refused
 * attempt in the holding JVM closes a second channel on the file, which on POSIX drops the
 * holder's OS lock; the holder line (a live PID of this host) still keeps other processes out.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name in a run directory. */
  public static final String FILE = ".bocomp.lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock osLock;

  private RunLock(Path file, FileChannel channel, FileLock osLock) {
    this.file = file;
    this.channel = channel;
    this.osLock = osLock;
  }

  /**
   * Takes the lock of run directory {@code dir} (which must exist).
   *
   * @param option how the user named the directory, for messages ({@code "--out"}, {@code
   *     "--resume"})
   * @throws TuneConfigException naming the directory and the process that holds it
   */
  public static RunLock acquire(Path dir, String option) {
    Path file = dir.resolve(FILE);
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock os;
      boolean osLocks = true;
      try {
        os = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        os = null; // this JVM holds it
      } catch (IOException e) {
        os = null; // no OS locks here: the file's contents decide alone
        osLocks = false;
      }
      Holder previous = Holder.parse(read(ch));
      if ((osLocks && os == null) || (previous != null && previous.alive())) {
        throw inUse(dir, option, file, previous);
      }
      byte[] me = Holder.self().toString().getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(me), 0);
      ch.force(true);
      RunLock lock = new RunLock(file, ch, os);
      ch = null;
      return lock;
    } catch (IOException e) {
      throw new TuneConfigException(option + " " + dir + ": cannot lock the run directory ("
          + file + ": " + e.getMessage() + ")", e);
    } finally {
      if (ch != null) {
        try {
          ch.close(); // also drops an OS lock taken before the refusal
        } catch (IOException ignored) {
          // nothing was written
        }
      }
    }
  }

  /**
   * Refuses a directory whose lock a live process holds, without taking it or writing anything
   * (the check {@code tune --out} makes before the directory is created).
   *
   * @throws TuneConfigException naming the directory and the process that holds it
   */
  public static void checkFree(Path dir, String option) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      Holder h = Holder.parse(read(ch));
      boolean osHeld;
      try (FileLock l = ch.tryLock()) {
        osHeld = l == null;
      } catch (OverlappingFileLockException e) {
        osHeld = true;
      } catch (IOException e) {
        osHeld = false;
      }
      if (osHeld || (h != null && h.alive())) {
        throw inUse(dir, option, file, h);
      }
    } catch (NoSuchFileException e) {
      // released and removed meanwhile
    } catch (IOException e) {
      throw new TuneConfigException(option + " " + dir + ": cannot read its lock file " + file
          + " (" + e.getMessage() + ")", e);
    }
  }

  /** Empties the lock file and drops the OS lock. */
  @Override
  public void close() {
    try {
      if (channel.isOpen()) {
        channel.truncate(0);
        channel.force(true);
      }
    } catch (IOException e) {
      // a left-over holder line names this process, which is ending: stale for the next one
    } finally {
      try {
        if (osLock != null && osLock.isValid()) {
          osLock.release();
        }
        channel.close();
      } catch (IOException ignored) {
        // closing drops the lock in any case
      }
    }
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  private static TuneConfigException inUse(Path dir, String option, Path file, Holder h) {
    String who = h == null ? "another process" : "process " + h.pid + " on " + h.host;
    String remedy = h != null && !h.host.equals(Holder.hostName())
        ? "; if that run is gone, delete " + file : "; wait for it to end or stop it";
    return new TuneConfigException(option + " " + dir + ": the run directory is in use by " + who
        + " (lock file " + FILE + ")" + remedy);
  }

  private static String read(FileChannel ch) throws IOException {
    long size = Math.min(ch.size(), 4096);
    ByteBuffer b = ByteBuffer.allocate((int) size);
    while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
      // keep reading
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }

  /** Who holds a lock: the line the holder wrote. */
  record Holder(long pid, String host, long started) {
    static Holder self() {
      ProcessHandle p = ProcessHandle.current();
      return new Holder(p.pid(), hostName(), startMillis(p).orElse(-1L));
    }

    /** The holder line, or null when the file is empty or not a holder line. */
    static Holder parse(String s) {
      String pid = field(s, "pid");
      String host = field(s, "host");
      String started = field(s, "started");
      if (pid == null || host == null) {
        return null;
      }
      try {
        return new Holder(Long.parseLong(pid), host,
            started == null ? -1 : Long.parseLong(started));
      } catch (NumberFormatException e) {
        return null;
      }
    }

    /**
     * True when the holder may still be running: on another host (unknowable), or on this host
     * with its PID alive and started when the holder said (a reused PID is not the holder).
     */
    boolean alive() {
      if (!host.equals(hostName())) {
        return true;
      }
      Optional<ProcessHandle> p = ProcessHandle.of(pid);
      if (p.isEmpty() || !p.get().isAlive()) {
        return false;
      }
      Optional<Long> s = startMillis(p.get());
      return started < 0 || s.isEmpty() || s.get() == started;
    }

    private static Optional<Long> startMillis(ProcessHandle p) {
      return p.info().startInstant().map(java.time.Instant::toEpochMilli);
    }

    static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        String h = System.getenv("HOSTNAME");
        return h == null || h.isBlank() ? "localhost" : h;
      }
    }

    private static String field(String s, String key) {
      for (String part : s.trim().split("\\s+")) {
        if (part.startsWith(key + "=")) {
          return part.substring(key.length() + 1);
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return "pid=" + pid + " host=" + host + " started=" + started + "\n";
    }
  }
}

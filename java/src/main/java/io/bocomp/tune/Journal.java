package io.bocomp.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's append-only log, {@code journal.jsonl}: a header line (format, bocomp version, the
 * configuration fingerprint, the original model's costs), then one JSON line per stage start, per
 * trial and per stage end. Every line is written whole, then the file is flushed and forced to disk
 * ({@link FileChannel#force}) before the run goes on, so after a kill -9 at any moment the file is
 * the journal of the trials done, possibly followed by one partial line, which {@link #read}
 * ignores and {@link #reopen} cuts off.
 */
public final class Journal implements AutoCloseable {
  /** The journal's file name in a run directory. */
  public static final String FILE = "journal.jsonl";
  /** Format version of the lines. */
  public static final int FORMAT = 1;

  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A journal as read back.
   *
   * @param header the first line
   * @param lines the complete lines after it, in order
   * @param validBytes length of the file up to the end of the last complete line
   * @param droppedTail true if a partial last line was ignored
   */
  public record Contents(ObjectNode header, List<ObjectNode> lines, long validBytes,
      boolean droppedTail) {}

  private final Path file;
  private final FileChannel channel;

  private Journal(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** Creates a new journal holding {@code header}; fails if the file exists. */
  public static Journal create(Path file, ObjectNode header) {
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      Journal j = new Journal(file, ch);
      j.append(header);
      Path dir = file.toAbsolutePath().getParent();
      AtomicFiles.forceDirectory(dir); // the journal's entry
      AtomicFiles.forceDirectory(dir.getParent()); // the run directory's entry, just created
      return j;
    } catch (IOException e) {
      throw new TuneConfigException(file + ": cannot create the journal (" + e.getMessage() + ")", e);
    }
  }

  /** Opens an existing journal for appending after its first {@code validBytes} bytes. */
  public static Journal reopen(Path file, long validBytes) {
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
      ch.truncate(validBytes);
      ch.position(validBytes);
      ch.force(true);
      return new Journal(file, ch);
    } catch (IOException e) {
      throw new TuneConfigException(file + ": cannot reopen the journal (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Reads a journal. A last line without its newline (cut by a kill) is ignored.
   *
   * @throws JournalMismatchException when the file is empty, its header is not a bocomp journal
   *     header, or a complete line is not JSON
   */
  public static Contents read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new JournalMismatchException(file + ": cannot read (" + e.getMessage() + ")");
    }
    List<ObjectNode> lines = new ArrayList<>();
    ObjectNode header = null;
    int start = 0;
    int lineNo = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      lineNo++;
      String text = new String(bytes, start, i - start, StandardCharsets.UTF_8);
      start = i + 1;
      JsonNode n;
      try {
        n = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        throw new JournalMismatchException(file + ": line " + lineNo + " is not JSON ("
            + e.getOriginalMessage() + "); the journal is corrupt");
      }
      if (!(n instanceof ObjectNode o)) {
        throw new JournalMismatchException(file + ": line " + lineNo + " is not a JSON object");
      }
      if (header == null) {
        if (!"header".equals(o.path("type").asText())) {
          throw new JournalMismatchException(file + ": not a bocomp tuning journal (no header line)");
        }
        header = o;
      } else {
        lines.add(o);
      }
    }
    if (header == null) {
      throw new JournalMismatchException(file + ": empty or truncated before its header line");
    }
    int format = header.path("format").asInt(-1);
    if (format != FORMAT) {
      throw new JournalMismatchException(file + ": journal format " + format + " (this bocomp reads "
          + FORMAT + ")");
    }
    return new Contents(header, lines, start, start < bytes.length);
  }

  /** Appends one line, then flushes and forces it to disk. */
  public synchronized void append(ObjectNode line) {
    try {
      byte[] b = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buf = ByteBuffer.wrap(b);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new TuneConfigException(file + ": cannot append to the journal (" + e.getMessage() + ")",
          e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // every line was forced when written; nothing is lost
    }
  }
}

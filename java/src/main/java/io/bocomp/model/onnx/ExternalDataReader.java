package io.bocomp.model.onnx;

import io.bocomp.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads tensor data stored outside the model file ({@code data_location = EXTERNAL}), as ONNX's
 * external-data format describes it: the keys {@code location} (a file path relative to the model's
 * directory), {@code offset} and {@code length} (decimal byte counts; {@code offset} defaults to 0,
 * and a missing {@code length} means "as many bytes as the tensor needs"). {@code checksum} is
 * ignored.
 *
 * <p>For safety a location must stay inside the model's directory: absolute paths, {@code ..}
 * components and symbolic links that lead out of it are refused. The data is memory-mapped, not
 * read into the heap, and is limited to 2 GiB per tensor.
 */
final class ExternalDataReader {
  private final Path baseDir;

  /** @param baseDir the model file's directory; null when the model came from bytes alone */
  ExternalDataReader(Path baseDir) {
    this.baseDir = baseDir;
  }

  /**
   * The tensor's bytes (position 0, limit {@code expectedBytes}).
   *
   * @throws ModelFormatException naming the tensor and file when the location is unsafe, the file
   *     is missing or shorter than offset + length, or the length disagrees with the tensor's shape
   */
  ByteBuffer read(Onnx.TensorProto p, String what, long expectedBytes) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (Onnx.StringStringEntryProto e : p.getExternalDataList()) {
      switch (e.getKey()) {
        case "location": location = e.getValue(); break;
        case "offset": offset = number(e.getValue(), "offset", what); break;
        case "length": length = number(e.getValue(), "length", what); break;
        default: break; // checksum, and keys of later IR versions
      }
    }
    if (location == null || location.isEmpty()) {
      throw new ModelFormatException(what + " is stored externally but has no 'location'");
    }
    if (length >= 0 && length != expectedBytes) {
      throw new ModelFormatException(what + " declares " + length + " bytes of external data in '"
          + location + "', its shape needs " + expectedBytes);
    }
    if (expectedBytes > Integer.MAX_VALUE) {
      throw new ModelFormatException(what + " needs " + expectedBytes
          + " bytes of external data; bocomp reads at most 2 GiB per tensor");
    }
    Path file = resolve(location, what);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (offset > size - expectedBytes) {
        throw new ModelFormatException(what + " needs bytes " + offset + ".." + (offset + expectedBytes)
            + " of external data file '" + location + "', which has only " + size + " bytes");
      }
      if (expectedBytes == 0) {
        return ByteBuffer.allocate(0);
      }
      return ch.map(FileChannel.MapMode.READ_ONLY, offset, expectedBytes);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(what + ": external data file '" + location + "' not found in "
          + baseDir);
    } catch (IOException e) {
      throw new ModelFormatException(what + ": cannot read external data file '" + location + "' ("
          + e.getMessage() + ")", e);
    }
  }

  private Path resolve(String location, String what) {
    if (baseDir == null) {
      throw new ModelFormatException(what + " is stored in external file '" + location
          + "', but the model was not read from a file (no directory to resolve it against)");
    }
    Path rel;
    try {
      rel = Path.of(location);
    } catch (InvalidPathException e) {
      throw new ModelFormatException(what + ": invalid external data location '" + location + "'");
    }
    if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
      throw new ModelFormatException(what + ": external data location '" + location
          + "' is absolute; it must be relative to the model's directory");
    }
    for (Path part : rel) {
      if (part.toString().equals("..")) {
        throw new ModelFormatException(what + ": external data location '" + location
            + "' leaves the model's directory");
      }
    }
    Path file = baseDir.resolve(rel).normalize();
    if (!Files.exists(file)) {
      throw new ModelFormatException(what + ": external data file '" + location + "' not found in "
          + baseDir);
    }
    try {
      if (!file.toRealPath().startsWith(baseDir.toRealPath())) {
        throw new ModelFormatException(what + ": external data location '" + location
            + "' links out of the model's directory");
      }
    } catch (IOException e) {
      throw new ModelFormatException(what + ": cannot resolve external data file '" + location + "' ("
          + e.getMessage() + ")", e);
    }
    return file;
  }

  private static long number(String v, String key, String what) {
    try {
      long x = Long.parseLong(v.trim());
      if (x < 0) {
        throw new NumberFormatException();
      }
      return x;
    } catch (NumberFormatException e) {
      throw new ModelFormatException(what + ": external data " + key + " '" + v
          + "' is not a non-negative integer");
    }
  }
}

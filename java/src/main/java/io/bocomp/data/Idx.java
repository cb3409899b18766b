package io.bocomp.data;

import io.bocomp.model.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of MNIST/Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian
 * magic number {@code 0x0000 TT DD} (TT = 0x08 unsigned byte data, DD = number of dimensions), DD
 * big-endian int32 sizes, then the data. Files may be gzipped (detected by the gzip magic, not by the
 * name). Only unsigned-byte data is accepted: image files have 3 dimensions (n, rows, cols), label
 * files 1 (n).
 */
public final class Idx {
  private static final int UBYTE = 0x08;

  private Idx() {}

  /** Images as float32 [n, 1, rows, cols] scaled to [0, 1]; at most {@code limit} (if > 0). */
  public static Tensor readImages(Path file, int limit) {
    try (InputStream in = open(file)) {
      return readImages(in, file.toString(), limit);
    } catch (IOException e) {
      throw ioError(file.toString(), e);
    }
  }

  /** Labels as ints; at most {@code limit} (if > 0). */
  public static int[] readLabels(Path file, int limit) {
    try (InputStream in = open(file)) {
      return readLabels(in, file.toString(), limit);
    } catch (IOException e) {
      throw ioError(file.toString(), e);
    }
  }

  /** Images from a stream (plain or gzipped); {@code file} names it in messages. */
  public static Tensor readImages(InputStream stream, String file, int limit) {
    Bytes raw = readImageBytes(stream, file, limit);
    Tensor t = Tensor.zeros(raw.n(), 1, raw.rows(), raw.cols());
    FloatBuffer b = t.data();
    byte[] pixels = raw.pixels();
    for (int i = 0; i < pixels.length; i++) {
      b.put(i, (pixels[i] & 0xff) / 255f);
    }
    return t;
  }

  /**
   * The raw pixels of an image file: {@code n} images (at most the limit) of {@code rows} x
   * {@code cols} unsigned bytes, row-major, of the {@code total} the file holds.
   */
  public record Bytes(int n, int rows, int cols, int total, byte[] pixels) {}

  /** The raw pixels of an IDX image file; at most {@code limit} images (if > 0). */
  public static Bytes readImageBytes(Path file, int limit) {
    try (InputStream in = open(file)) {
      return readImageBytes(in, file.toString(), limit);
    } catch (IOException e) {
      throw ioError(file.toString(), e);
    }
  }

  static Bytes readImageBytes(InputStream stream, String file, int limit) {
    try (DataInputStream in = decode(stream)) {
      int[] dims = header(in, file, 3, "images");
      int n = limit > 0 ? Math.min(limit, dims[0]) : dims[0];
      int rows = dims[1];
      int cols = dims[2];
      double total = (double) n * rows * cols; // each factor < 2^31: no long overflow this way
      if (total > Integer.MAX_VALUE) {
        throw new DataFormatException(file + ": " + n + " images of " + rows + "x" + cols + " are too many");
      }
      byte[] pixels = readFully(in, (int) total, file);
      return new Bytes(n, rows, cols, dims[0], pixels);
    } catch (IOException e) {
      throw ioError(file, e);
    }
  }

  /** Labels from a stream (plain or gzipped); {@code file} names it in messages. */
  public static int[] readLabels(InputStream stream, String file, int limit) {
    try (DataInputStream in = decode(stream)) {
      int[] dims = header(in, file, 1, "labels");
      int n = limit > 0 ? Math.min(limit, dims[0]) : dims[0];
      byte[] raw = readFully(in, n, file);
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = raw[i] & 0xff;
      }
      return labels;
    } catch (IOException e) {
      throw ioError(file, e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DataFormatException(file + ": no such file");
    }
    return Files.newInputStream(file);
  }

  private static DataInputStream decode(InputStream stream) throws IOException {
    InputStream raw = new BufferedInputStream(stream, 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
    return new DataInputStream(new BufferedInputStream(in, 1 << 16));
  }

  private static int[] header(DataInputStream in, String file, int rank, String what)
      throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new DataFormatException(file + ": empty or truncated IDX file");
    }
    int type = (magic >>> 8) & 0xff;
    int dims = magic & 0xff;
    if ((magic >>> 16) != 0 || type != UBYTE || dims != rank) {
      throw new DataFormatException(String.format(
          "%s: wrong IDX magic number 0x%08X for %s (expected 0x%08X: unsigned bytes, %d dimension%s)",
          file, magic, what, (UBYTE << 8) | rank, rank, rank == 1 ? "" : "s"));
    }
    int[] sizes = new int[rank];
    for (int i = 0; i < rank; i++) {
      sizes[i] = in.readInt();
      if (sizes[i] <= 0) {
        throw new DataFormatException(file + ": IDX dimension " + i + " is " + sizes[i]);
      }
    }
    return sizes;
  }

  /**
   * Reads exactly {@code n} bytes. The buffer grows with the data that actually arrives (doubling
   * from 1 MiB), so a tiny file whose header declares a billion bytes fails as truncated instead
   * of allocating them first.
   */
  private static byte[] readFully(DataInputStream in, int n, String file) throws IOException {
    byte[] buf = new byte[Math.min(n, 1 << 20)];
    int have = 0;
    while (have < n) {
      if (have == buf.length) {
        buf = java.util.Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
      }
      int r = in.read(buf, have, buf.length - have);
      if (r < 0) {
        throw new DataFormatException(file + ": IDX file is truncated (expected " + n
            + " data bytes, found " + have + ")");
      }
      have += r;
    }
    return buf;
  }

  private static DataFormatException ioError(String file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new DataFormatException(file + ": no such file");
    }
    return new DataFormatException(file + ": cannot read IDX file (" + e.getMessage() + ")", e);
  }
}

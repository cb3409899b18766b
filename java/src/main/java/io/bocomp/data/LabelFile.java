package io.bocomp.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a {@code --labels} file: an IDX label file (optionally gzipped; told apart by its magic
 * number 0x00000801), or text with one non-negative integer per line (blank lines are skipped;
 * anything else is an error naming the line). Text labels go with the images in the order the
 * images are read: file-name order for a folder, row order for IDX and .npy.
 */
public final class LabelFile {
  private LabelFile() {}

  /** The labels (all of them; the caller applies any limit after checking the count). */
  public static int[] read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataFormatException(file + ": no such file");
    }
    byte[] bytes;
    try (InputStream in = open(file)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new DataFormatException(file + ": cannot read labels (" + e.getMessage() + ")", e);
    }
    if (bytes.length >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08) {
      return Idx.readLabels(new java.io.ByteArrayInputStream(bytes), file.toString(), 0);
    }
    return text(new String(bytes, StandardCharsets.UTF_8), file.toString());
  }

  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file));
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw) : raw;
  }

  static int[] text(String content, String file) {
    String[] lines = content.split("\r?\n", -1);
    int[] out = new int[lines.length];
    int n = 0;
    for (int i = 0; i < lines.length; i++) {
      String t = lines[i].strip();
      if (t.isEmpty()) {
        continue;
      }
      int v;
      try {
        v = Integer.parseInt(t);
      } catch (NumberFormatException e) {
        throw new DataFormatException(file + ":" + (i + 1) + ": '" + (t.length() > 20
            ? t.substring(0, 20) + "..." : t) + "' is not a label (one integer per line)");
      }
      if (v < 0) {
        throw new DataFormatException(file + ":" + (i + 1) + ": label " + v + " is negative");
      }
      out[n++] = v;
    }
    if (n == 0) {
      throw new DataFormatException(file + ": no labels");
    }
    return java.util.Arrays.copyOf(out, n);
  }
}

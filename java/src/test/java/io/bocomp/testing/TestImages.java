package io.bocomp.testing;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Synthetic 8-bit test images written with the JDK's lossless writers. {@link #pattern} is the
 * formula the PIL/torchvision reference values in the data tests were computed from, so keep it in
 * step with them: value(y, x, c) = (37 x + 91 y + 53 c + 17 seed + (7 x y mod 13)) mod 256.
 */
public final class TestImages {
  private TestImages() {}

  /** The pattern as interleaved bytes [h][w][c]. */
  public static byte[] pattern(int h, int w, int c, int seed) {
    byte[] out = new byte[h * w * c];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int ch = 0; ch < c; ch++) {
          out[(y * w + x) * c + ch] = (byte) ((37 * x + 91 * y + 53 * ch + seed * 17
              + (x * y * 7) % 13) % 256);
        }
      }
    }
    return out;
  }

  /** Interleaved bytes [h][w][c] (c = 1 or 3) as a gray or RGB image. */
  public static BufferedImage image(byte[] data, int h, int w, int c) {
    BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY
        : BufferedImage.TYPE_3BYTE_BGR);
    WritableRaster r = img.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int ch = 0; ch < c; ch++) {
          r.setSample(x, y, ch, data[(y * w + x) * c + ch] & 0xff);
        }
      }
    }
    return img;
  }

  /** Writes the bytes as {@code format} ("png", "bmp", "gif", "tiff", "jpeg") to {@code file}. */
  public static Path write(byte[] data, int h, int w, int c, String format, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (!ImageIO.write(image(data, h, w, c), format, file.toFile())) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

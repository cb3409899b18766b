package io.bocomp.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads image files through {@code javax.imageio}: PNG, JPEG, BMP and GIF with the JDK's readers,
 * plus whatever plugins are on the class path (bocomp ships TwelveMonkeys' JPEG reader, for CMYK
 * and other JPEGs the JDK refuses, and its TIFF and WebP readers). The first frame of a file is
 * read. Every failure is a {@link DataFormatException} naming the file.
 *
 * <p>Pixels come out as they are stored, 8 bits per sample: 8-bit gray (with or without alpha) as
 * one channel read from the raster (the JDK's {@code getRGB} would apply a gamma curve to it); 16-bit
 * gray scaled to 8 bits with rounding; 8-bit sRGB images as their first three bands; anything else
 * (palettes, packed RGB, other colour spaces, 16-bit colour) as {@code getRGB}'s sRGB values. Alpha
 * is dropped, not composited (as PIL's {@code convert("RGB")} does). EXIF orientation is not
 * applied (neither PIL nor torchvision's loader applies it).
 */
public final class ImageDecoder {
  /** The file-name extensions taken as images (lower case). */
  public static final java.util.Set<String> EXTENSIONS = java.util.Set.of("png", "jpg", "jpeg",
      "bmp", "gif", "tif", "tiff", "webp");

  static {
    ImageIO.setUseCache(false); // decode in memory, no temporary files
  }

  private ImageDecoder() {}

  /** True when the file name ends in one of {@link #EXTENSIONS} (any case). */
  public static boolean isImageName(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Width and height of the file's first image, from its header (no pixels are decoded). */
  public static int[] size(Path file) {
    return withReader(file, r -> new int[] {r.getWidth(0), r.getHeight(0)});
  }

  /** The file's first image as 8-bit gray (1 channel) or RGB (3 channels). */
  public static Pixels decode(Path file) {
    return withReader(file, r -> {
      checkSize(file, r.getWidth(0), r.getHeight(0));
      BufferedImage img = r.read(0);
      return pixels(img);
    });
  }

  /**
   * The most pixels one image may have: decoding takes about 8 bytes a pixel (the decoder's raster
   * and bocomp's copy), so a sixteenth of the maximum heap, and never more than 2^27 (a
   * 16384 x 8192 image). A header declaring more is refused before anything is allocated: a
   * 100-byte file must not claim gigabytes.
   */
  static long maxPixels() {
    return Math.min(1L << 27, Runtime.getRuntime().maxMemory() / 16);
  }

  private static void checkSize(Path file, int w, int h) {
    if (w <= 0 || h <= 0) {
      throw new DataFormatException(file + ": image size " + w + "x" + h + " is invalid");
    }
    if ((long) w * h > maxPixels()) {
      throw new DataFormatException(file + ": a " + w + "x" + h + " image is too large to decode"
          + " (at most " + maxPixels() + " pixels with this heap; BOCOMP_JAVA_OPTS=-Xmx<size>"
          + " raises it up to " + (1L << 27) + ")");
    }
  }

  private interface ReaderCall<T> {
    T apply(ImageReader r) throws IOException;
  }

  private static <T> T withReader(Path file, ReaderCall<T> call) {
    if (!Files.isRegularFile(file)) {
      throw new DataFormatException(file + ": no such file");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new DataFormatException(file + ": cannot open");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new DataFormatException(file + ": not an image bocomp can read (PNG, JPEG, BMP,"
            + " GIF, TIFF, WebP)");
      }
      ImageReader r = readers.next();
      try {
        r.setInput(in, true, true);
        return call.apply(r);
      } finally {
        r.dispose();
      }
    } catch (DataFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // readers throw unchecked exceptions on some corrupt data, too
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new DataFormatException(file + ": corrupt or unreadable image (" + why + ")", e);
    }
  }

  /** The samples of a decoded image (see the class comment). */
  static Pixels pixels(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    ColorModel cm = img.getColorModel();
    Raster raster = img.getRaster();
    boolean indexed = cm instanceof IndexColorModel;
    if (!indexed && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && cm.getNumColorComponents() == 1) {
      int bits = cm.getComponentSize(0);
      int max = (1 << bits) - 1;
      byte[] out = new byte[w * h];
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int v = bits == 8 ? row[x] : (int) Math.round(row[x] * 255.0 / max);
          out[y * w + x] = (byte) v;
        }
      }
      return new Pixels(w, h, 1, out);
    }
    if (cm instanceof ComponentColorModel && cm.getColorSpace().isCS_sRGB()
        && raster.getNumBands() >= 3 && !cm.isAlphaPremultiplied() && eightBit(cm)) {
      byte[] out = new byte[w * h * 3];
      int[] row = new int[w];
      for (int band = 0; band < 3; band++) {
        for (int y = 0; y < h; y++) {
          raster.getSamples(0, y, w, 1, band, row);
          for (int x = 0; x < w; x++) {
            out[(y * w + x) * 3 + band] = (byte) row[x];
          }
        }
      }
      return new Pixels(w, h, 3, out);
    }
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    byte[] out = new byte[w * h * 3];
    for (int i = 0; i < argb.length; i++) {
      out[3 * i] = (byte) (argb[i] >> 16);
      out[3 * i + 1] = (byte) (argb[i] >> 8);
      out[3 * i + 2] = (byte) argb[i];
    }
    return new Pixels(w, h, 3, out);
  }

  private static boolean eightBit(ColorModel cm) {
    for (int s : cm.getComponentSize()) {
      if (s != 8) {
        return false;
      }
    }
    return true;
  }
}

package io.bocomp.testing;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Renders text with Java2D fonts, as inputs for OCR models: single text lines (a recognizer's
 * 48-pixel-high strips) and pages with several lines (a detector's input). Seeded: the same seed
 * gives the same images. Text uses digits, Latin letters and a few symbols (all in PaddleOCR's
 * dictionary), in the logical fonts (Serif, SansSerif, Monospaced), plain or bold, dark ink on a
 * light, slightly varying background.
 */
public final class TextImages {
  private static final String CHARS =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.:/%";
  private static final String[] FONTS = {Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED};

  private TextImages() {}

  /** A random "word sequence" of {@code minLen..maxLen} characters with single spaces. */
  public static String randomText(Random r, int minLen, int maxLen) {
    int n = minLen + r.nextInt(maxLen - minLen + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      boolean space = i > 0 && i < n - 1 && sb.charAt(sb.length() - 1) != ' ' && r.nextInt(6) == 0;
      sb.append(space ? ' ' : CHARS.charAt(r.nextInt(CHARS.length())));
    }
    return sb.toString();
  }

  /** One text line filling about 70-90% of a {@code height} x {@code width} RGB image. */
  public static BufferedImage line(String text, int height, int width, Random r) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, r);
    int size = (int) (height * (0.6 + 0.2 * r.nextDouble()));
    Font font = new Font(FONTS[r.nextInt(FONTS.length)], r.nextInt(3) == 0 ? Font.BOLD
        : Font.PLAIN, size);
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    while (fm.stringWidth(text) > width - 8 && size > 8) {
      font = font.deriveFont((float) --size);
      g.setFont(font);
      fm = g.getFontMetrics();
    }
    int x = 2 + r.nextInt(Math.max(1, Math.min(12, width - fm.stringWidth(text) - 2)));
    int y = (height - fm.getHeight()) / 2 + fm.getAscent();
    g.drawString(text, x, y);
    g.dispose();
    return img;
  }

  /** A page of {@code lines} text lines at random positions (a detector's input). */
  public static BufferedImage page(int height, int width, int lines, Random r) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, r);
    int band = height / Math.max(1, lines);
    for (int i = 0; i < lines; i++) {
      int size = Math.max(10, (int) (band * (0.35 + 0.3 * r.nextDouble())));
      g.setFont(new Font(FONTS[r.nextInt(FONTS.length)], Font.PLAIN, size));
      FontMetrics fm = g.getFontMetrics();
      String text = randomText(r, 4, 14);
      int x = r.nextInt(Math.max(1, width - fm.stringWidth(text)));
      int y = i * band + (band - fm.getHeight()) / 2 + fm.getAscent();
      g.drawString(text, x, y);
    }
    g.dispose();
    return img;
  }

  /**
   * Writes {@code count} line images as PNG files {@code line_000.png, ...} into {@code dir}
   * (created) and returns their texts in file order.
   */
  public static List<String> writeLines(Path dir, int count, int height, int width, long seed) {
    Random r = new Random(seed);
    List<String> texts = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (int i = 0; i < count; i++) {
        String t = randomText(r, 5, 18);
        ImageIO.write(line(t, height, width, r), "png", dir.resolve(String.format(
            "line_%03d.png", i)).toFile());
        texts.add(t);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return texts;
  }

  /** Writes {@code count} pages as PNG files {@code page_000.png, ...} into {@code dir}. */
  public static void writePages(Path dir, int count, int height, int width, long seed) {
    Random r = new Random(seed);
    try {
      Files.createDirectories(dir);
      for (int i = 0; i < count; i++) {
        ImageIO.write(page(height, width, 3 + r.nextInt(3), r), "png",
            dir.resolve(String.format("page_%03d.png", i)).toFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A batch [n, 3, h, w] of rendered text, normalized as PaddleOCR does ((v/255 - 0.5) / 0.5):
   * pages when taller than 64 pixels (a detector's input), single lines otherwise.
   */
  public static io.bocomp.model.Tensor batch(int n, int h, int w, long seed) {
    float[] v = new float[n * 3 * h * w];
    Random r = new Random(seed);
    for (int b = 0; b < n; b++) {
      BufferedImage img = h > 64 ? page(h, w, 3, r) : line(randomText(r, 4, 12), h, w, r);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = img.getRGB(x, y);
          for (int c = 0; c < 3; c++) {
            v[((b * 3 + c) * h + y) * w + x] = (((rgb >> (16 - 8 * c)) & 0xff) / 255f - 0.5f)
                / 0.5f;
          }
        }
      }
    }
    return io.bocomp.model.Tensor.of(new int[] {n, 3, h, w}, v);
  }

  /** True if this JVM renders text (it has at least one font): a rendered line is not blank. */
  public static boolean rendersText() {
    BufferedImage img = line("Ab3", 32, 96, new Random(1));
    int dark = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        dark += (img.getRGB(x, y) & 0xff) < 128 ? 1 : 0;
      }
    }
    return dark > 20;
  }

  private static Graphics2D canvas(BufferedImage img, Random r) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    int bg = 225 + r.nextInt(31);
    g.setColor(new Color(bg, bg - r.nextInt(10), bg - r.nextInt(15)));
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    int ink = r.nextInt(60);
    g.setColor(new Color(ink, ink, ink + r.nextInt(30)));
    return g;
  }
}

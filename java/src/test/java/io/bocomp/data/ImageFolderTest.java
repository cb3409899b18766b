package io.bocomp.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.TestImages;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageFolder} and {@link ImageDecoder}: listing and labels, streaming, size checks, bad
 * folders and files, and the bytes decoded from each supported format.
 */
class ImageFolderTest {
  @TempDir Path dir;

  private static final ValueInfo GRAY_8x6 = ValueInfo.floatTensor("x", -1, 1, 6, 8);

  private static ImageTransform t(ValueInfo in) {
    return ImageTransform.resolve(Preprocessing.NONE, in);
  }

  private Path gray(Path file, int seed) {
    return TestImages.write(TestImages.pattern(6, 8, 1, seed), 6, 8, 1, "png", file);
  }

  @Test
  void classSubFoldersGiveLabelsInSortedOrderAndFilesAreReadInPathOrder() throws Exception {
    Path root = dir.resolve("set");
    gray(root.resolve("b-class/2.png"), 1);
    gray(root.resolve("b-class/10.png"), 2); // "10.png" < "2.png" in string order
    gray(root.resolve("a-class/x.png"), 3);
    gray(root.resolve("a-class/deeper/y.png"), 4); // after the files of a-class itself
    gray(root.resolve("a-class/.hidden.png"), 5);
    Files.writeString(root.resolve("a-class/notes.txt"), "not an image");
    ImageFolder f = ImageFolder.open(root, null, 0, t(GRAY_8x6));
    assertThat(f.classes()).containsExactly("a-class", "b-class");
    assertThat(f.files().stream().map(p -> root.relativize(p).toString()))
        .containsExactly("a-class/x.png", "a-class/deeper/y.png", "b-class/10.png",
            "b-class/2.png");
    assertThat(f.labels()).containsExactly(0, 0, 1, 1);
    Tensor all = f.batch(0, 4);
    assertThat(all.shape()).containsExactly(4, 1, 6, 8);
    byte[] y = TestImages.pattern(6, 8, 1, 4);
    for (int i = 0; i < y.length; i++) {
      assertThat(all.get(48 + i)).isEqualTo((y[i] & 0xff) / 255f);
    }
  }

  @Test
  void aFlatFolderIsUnlabeledOrTakesALabelFileInFileNameOrder() throws Exception {
    Path root = dir.resolve("flat");
    for (String n : new String[] {"c.png", "a.png", "b.bmp"}) {
      Path p = root.resolve(n);
      TestImages.write(TestImages.pattern(6, 8, 1, n.charAt(0)), 6, 8, 1,
          n.endsWith("bmp") ? "bmp" : "png", p);
    }
    ImageFolder unlabeled = ImageFolder.open(root, null, 0, t(GRAY_8x6));
    assertThat(unlabeled.hasLabels()).isFalse();
    assertThat(unlabeled.files().stream().map(p -> p.getFileName().toString()))
        .containsExactly("a.png", "b.bmp", "c.png");
    Path labels = dir.resolve("labels.txt");
    Files.writeString(labels, "7\n8\n\n9\n");
    ImageFolder labeled = ImageFolder.open(root, labels, 2, t(GRAY_8x6));
    assertThat(labeled.labels()).containsExactly(7, 8);
    assertThat(labeled.size()).isEqualTo(2);
    Files.writeString(labels, "7\n8\n");
    assertThatThrownBy(() -> ImageFolder.open(root, labels, 0, t(GRAY_8x6)))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(labels + " has 2 labels but " + root + " has 3 images");
    Files.writeString(labels, "7\neight\n9\n");
    assertThatThrownBy(() -> ImageFolder.open(root, labels, 0, t(GRAY_8x6)))
        .hasMessageContaining(labels + ":2: 'eight' is not a label");
  }

  @Test
  void batchesStreamInOrderWithTheSameValuesAsRows() throws Exception {
    Path root = dir.resolve("many");
    for (int i = 0; i < 23; i++) {
      gray(root.resolve(String.format("%03d.png", i)), i);
    }
    ImageFolder f = ImageFolder.open(root, null, 0, t(GRAY_8x6));
    Tensor whole = f.rows(java.util.stream.IntStream.range(0, 23).toArray());
    List<Integer> starts = new ArrayList<>();
    try (BatchStream s = f.batches(5)) {
      for (BatchStream.Batch b = s.next(); b != null; b = s.next()) {
        starts.add(b.from());
        for (int i = 0; i < b.images().size(); i++) {
          assertThat(b.images().get(i)).isEqualTo(whole.get(b.from() * 48 + i));
        }
      }
    }
    assertThat(starts).containsExactly(0, 5, 10, 15, 20);
  }

  @Test
  void aCorruptImageFailsOnlyWhenItsBatchIsDecodedNamingIt() throws Exception {
    Path root = dir.resolve("late");
    for (int i = 0; i < 30; i++) {
      gray(root.resolve(String.format("%03d.png", i)), i);
    }
    // header intact (the sizes check passes), pixel data cut off
    Path bad = root.resolve("027.png");
    byte[] png = Files.readAllBytes(bad);
    Files.write(bad, java.util.Arrays.copyOf(png, 45));
    ImageFolder f = ImageFolder.open(root, null, 0, t(GRAY_8x6));
    try (BatchStream s = f.batches(4)) {
      // streaming: the first batches come although image 27 is broken
      assertThat(s.next().from()).isZero();
      assertThat(s.next().from()).isEqualTo(4);
      assertThatThrownBy(() -> {
        for (BatchStream.Batch b = s.next(); b != null; b = s.next()) {
          assertThat(b.from()).isLessThan(24);
        }
      }).isInstanceOf(DataFormatException.class).hasMessageStartingWith(bad.toString());
    }
  }

  @Test
  void sizesAreCheckedAgainstAFixedInputAndAgainstEachOtherNamingTheFirstMismatch()
      throws Exception {
    Path root = dir.resolve("sizes");
    gray(root.resolve("a.png"), 1);
    TestImages.write(TestImages.pattern(7, 8, 1, 2), 7, 8, 1, "png", root.resolve("b.png"));
    gray(root.resolve("c.png"), 3);
    assertThatThrownBy(() -> ImageFolder.open(root, null, 0, t(GRAY_8x6)))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(root.resolve("b.png") + " is 7x8 (HxW) but the model input 'x' takes 6x8;"
            + " give --resize and/or --crop");
    assertThatThrownBy(() -> ImageFolder.open(root, null, 0,
        t(ValueInfo.floatTensor("x", -1, 1, -1, -1)))).hasMessageContaining(root.resolve("b.png")
        + " is 7x8 (HxW) but " + root.resolve("a.png") + " is 6x8").hasMessageContaining("one size");
    // a crop makes them one size
    ImageFolder cropped = ImageFolder.open(root, null, 0, ImageTransform.resolve(
        new Preprocessing(null, new int[] {5, 5}, null, null, null, null, null),
        ValueInfo.floatTensor("x", -1, 1, -1, -1)));
    assertThat(cropped.sampleShape()).containsExactly(1, 5, 5);
    assertThatThrownBy(() -> ImageFolder.open(root, null, 0, ImageTransform.resolve(
        new Preprocessing(null, new int[] {7, 7}, null, null, null, null, null),
        ValueInfo.floatTensor("x", -1, 1, -1, -1))))
        .hasMessage(root.resolve("a.png") + " is 6x8 (HxW), smaller than --crop 7x7");
  }

  @Test
  void emptyAmbiguousAndUnreadableFoldersAreRefusedNamingThePath() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("readme.txt"), "x");
    assertThatThrownBy(() -> ImageFolder.open(empty, null, 0, t(GRAY_8x6)))
        .hasMessageStartingWith(empty + ": no images");
    Path mixed = dir.resolve("mixed");
    gray(mixed.resolve("a.png"), 1);
    gray(mixed.resolve("cls/b.png"), 2);
    assertThatThrownBy(() -> ImageFolder.open(mixed, null, 0, t(GRAY_8x6)))
        .hasMessageContaining("holds both images");
    Path emptyClass = dir.resolve("emptyclass");
    gray(emptyClass.resolve("cat/a.png"), 1);
    Files.createDirectories(emptyClass.resolve("dog"));
    assertThatThrownBy(() -> ImageFolder.open(emptyClass, null, 0, t(GRAY_8x6)))
        .hasMessage(emptyClass.resolve("dog") + ": a class folder without images (PNG, JPEG, BMP,"
            + " GIF, TIFF or WebP files)");
    Path junk = dir.resolve("junk");
    gray(junk.resolve("a.png"), 1);
    Files.writeString(junk.resolve("b.jpg"), "this is not a JPEG");
    assertThatThrownBy(() -> ImageFolder.open(junk, null, 0, t(GRAY_8x6)))
        .hasMessage(junk.resolve("b.jpg") + ": not an image bocomp can read (PNG, JPEG, BMP, GIF,"
            + " TIFF, WebP)");
  }

  @Test
  void decodedSamplesAreTheStoredBytesForGrayRgbPaletteSixteenBitWebpAndCmyk() throws Exception {
    byte[] rgb = TestImages.pattern(3, 4, 3, 5);
    for (String format : new String[] {"png", "bmp", "tiff"}) {
      Path f = TestImages.write(rgb, 3, 4, 3, format, dir.resolve("rgb." + format));
      assertThat(ImageDecoder.decode(f).data()).as(format).containsExactly(rgb);
    }
    // the same pattern written by Pillow as lossless WebP (TwelveMonkeys' reader)
    Path webp = resource("rgb-4x3-lossless.webp");
    assertThat(ImageDecoder.decode(webp).data()).containsExactly(rgb);
    // a palette GIF gives the palette's colours
    byte[] r = {0, (byte) 200, 10};
    byte[] g = {0, 100, 20};
    byte[] b = {0, 50, (byte) 255};
    BufferedImage pal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 3, r, g, b));
    pal.getRaster().setSample(0, 0, 0, 1);
    pal.getRaster().setSample(1, 0, 0, 2);
    Path gif = dir.resolve("p.gif");
    assertThat(ImageIO.write(pal, "gif", gif.toFile())).isTrue();
    assertThat(ImageDecoder.decode(gif).data()).containsExactly(200, 100, 50, 10, 20, 255);
    // 16-bit gray: 65535 -> 255, 257 * v -> v, read from the raster (no gamma curve)
    BufferedImage u16 = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
    u16.getRaster().setSample(0, 0, 0, 65535);
    u16.getRaster().setSample(1, 0, 0, 257 * 77);
    u16.getRaster().setSample(2, 0, 0, 0);
    Path p16 = dir.resolve("g16.png");
    ImageIO.write(u16, "png", p16.toFile());
    Pixels d16 = ImageDecoder.decode(p16);
    assertThat(d16.channels()).isEqualTo(1);
    assertThat(d16.data()).containsExactly(255, 77, 0);
    // a CMYK JPEG (Pillow), which the JDK's own reader refuses, decodes to RGB: pure red
    Pixels cmyk = ImageDecoder.decode(resource("cmyk-8x6.jpg"));
    assertThat(cmyk.width()).isEqualTo(8);
    assertThat(cmyk.channels()).isEqualTo(3);
    assertThat(cmyk.at(0, 0, 0)).isGreaterThan(200);
    assertThat(cmyk.at(0, 0, 1)).isLessThan(80);
  }

  private Path resource(String name) throws Exception {
    Path p = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/io/bocomp/data/" + name)) {
      Files.write(p, in.readAllBytes());
    }
    return p;
  }
}

package io.bocomp.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(magic);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(data);
    return bos.toByteArray();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(raw);
    }
    return bos.toByteArray();
  }

  @Test
  void readsPlainAndGzippedImagesScaledToUnitRange() throws IOException {
    byte[] px = new byte[3 * 2 * 2];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 20);
    }
    px[5] = (byte) 255;
    Path plain = Files.write(dir.resolve("img.idx"), idx(0x803, new int[] {3, 2, 2}, px));
    Path gz = Files.write(dir.resolve("img.gz"), gzip(idx(0x803, new int[] {3, 2, 2}, px)));
    for (Path p : new Path[] {plain, gz}) {
      Tensor t = Idx.readImages(p, 0);
      assertThat(t.shape()).containsExactly(3, 1, 2, 2);
      assertThat(t.get(1)).isEqualTo(20 / 255f);
      assertThat(t.get(5)).isEqualTo(1f);
    }
    assertThat(Idx.readImages(gz, 2).shape()).containsExactly(2, 1, 2, 2);
  }

  @Test
  void readsLabels() throws IOException {
    Path p = Files.write(dir.resolve("lab.gz"), gzip(idx(0x801, new int[] {4}, new byte[] {9, 0, 3, 7})));
    assertThat(Idx.readLabels(p, 0)).containsExactly(9, 0, 3, 7);
    assertThat(Idx.readLabels(p, 3)).containsExactly(9, 0, 3);
  }

  @Test
  void wrongMagicTruncationAndMissingFileAreOneLineErrors() throws IOException {
    Path labelsAsImages = Files.write(dir.resolve("l"), idx(0x801, new int[] {2}, new byte[2]));
    assertThatThrownBy(() -> Idx.readImages(labelsAsImages, 0))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("wrong IDX magic number 0x00000801 for images");
    Path truncated = Files.write(dir.resolve("t"), idx(0x803, new int[] {5, 28, 28}, new byte[100]));
    assertThatThrownBy(() -> Idx.readImages(truncated, 0)).hasMessageContaining("truncated");
    assertThatThrownBy(() -> Idx.readLabels(dir.resolve("nope"), 0)).hasMessageContaining("no such file");
    Path empty = Files.write(dir.resolve("e"), new byte[0]);
    assertThatThrownBy(() -> Idx.readLabels(empty, 0)).hasMessageContaining("empty or truncated");
    Path badGzip = Files.write(dir.resolve("g"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
    assertThatThrownBy(() -> Idx.readLabels(badGzip, 0))
        .isInstanceOf(DataFormatException.class).hasMessageNotContaining("\n");
  }
}

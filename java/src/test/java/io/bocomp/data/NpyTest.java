package io.bocomp.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path dir;

  @Test
  void roundTripsFloat32WithAlignedHeader() throws IOException {
    Tensor t = Tensor.of(new int[] {2, 3}, new float[] {1, -2, 3.5f, 0, Float.MIN_VALUE, 7});
    Path p = dir.resolve("x.npy");
    Npy.write(t, p);
    byte[] bytes = Files.readAllBytes(p);
    int headerLen = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
    assertThat((10 + headerLen) % 64).as("data is 64-byte aligned").isZero();
    assertThat(new String(bytes, 10, headerLen, StandardCharsets.ISO_8859_1))
        .contains("'shape': (2, 3)").contains("'<f4'");
    assertThat(Npy.read(p).contentEquals(t)).isTrue();
    Tensor v = Tensor.of(new int[] {4}, new float[] {1, 2, 3, 4});
    Npy.write(v, p);
    assertThat(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).contains("(4,)");
    assertThat(Npy.read(p).shape()).containsExactly(4);
  }

  static byte[] npy(String descr, String shape, byte[] data) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
    ByteBuffer b = ByteBuffer.allocate(10 + dict.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) dict.length());
    b.put(dict.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    return b.array();
  }

  @Test
  void convertsFloat64() {
    ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-3);
    Tensor t = Npy.parse(npy("<f8", "(2,)", d.array()), "d.npy");
    assertThat(t.toFloatArray()).containsExactly(1.5f, -3f);
  }

  @Test
  void refusesOtherDtypesAndTruncation() {
    assertThatThrownBy(() -> Npy.parse(npy("<i8", "(1,)", new byte[8]), "i.npy"))
        .isInstanceOf(DataFormatException.class)
        .hasMessage("i.npy: dtype '<i8' not supported (need little-endian float32 '<f4' or float64 '<f8')");
    assertThatThrownBy(() -> Npy.parse(npy("<f4", "(3, 2)", new byte[8]), "s.npy"))
        .hasMessageContaining("data truncated");
    assertThatThrownBy(() -> Npy.parse("hello world!".getBytes(StandardCharsets.UTF_8), "h"))
        .hasMessageContaining("not a .npy file");
  }
}

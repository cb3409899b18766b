package io.bocomp.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.model.Model;
import io.bocomp.model.ModelFormatException;
import io.bocomp.testing.OrtReference;
import io.bocomp.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensors stored in a side file, as onnx.save_model(..., save_as_external_data=True) writes them. */
class ExternalDataTest {

  /** The add-relu graph with 'w' stored at {@code offset} in {@code location}. */
  private static byte[] model(String location, long offset, Long length) {
    Onnx.TensorProto.Builder w = Onnx.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
        .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", location))
        .addExternalData(entry("offset", Long.toString(offset)));
    if (length != null) {
      w.addExternalData(entry("length", Long.toString(length)));
    }
    return Protos.model(Protos.addRelu().toBuilder().setInitializer(0, w).build(), 17).toByteArray();
  }

  private static Onnx.StringStringEntryProto entry(String k, String v) {
    return Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  /** 8 bytes of padding, then the floats 1, -2, 3, -4 little-endian. */
  private static byte[] dataFile() {
    ByteBuffer b = ByteBuffer.allocate(8 + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0x5555_5555_5555_5555L).putFloat(1).putFloat(-2).putFloat(3).putFloat(-4);
    return b.array();
  }

  @Test
  void readsExternalTensorsRelativeToTheModelAndExportsThemInline(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.write(dir.resolve("data/weights.bin"), dataFile());
    Path onnx = dir.resolve("m.onnx");
    Files.write(onnx, model("data/weights.bin", 8, 16L));
    Model m = OnnxImporter.read(onnx);
    assertThat(m.graph().initializer("w").toFloatArray()).containsExactly(1, -2, 3, -4);

    // without 'length' the tensor's own size is read
    Files.write(onnx, model("data/weights.bin", 8, null));
    assertThat(OnnxImporter.read(onnx).graph().initializer("w").toFloatArray())
        .containsExactly(1, -2, 3, -4);

    byte[] inline = OnnxExporter.toBytes(m);
    Onnx.TensorProto w = Onnx.ModelProto.parseFrom(inline).getGraph().getInitializer(0);
    assertThat(w.getDataLocation()).isEqualTo(Onnx.TensorProto.DataLocation.DEFAULT);
    assertThat(w.getExternalDataCount()).isZero();
    try (OrtReference ort = new OrtReference(inline)) {
      Tensor y = ort.runFirst(Tensor.of(new int[] {1, 4}, new float[] {0, 0, 0, 0}));
      assertThat(y.toFloatArray()).containsExactly(1, 0, 3, 0);
    }
  }

  @Test
  void missingShortOrEscapingFilesAreClearErrors(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("weights.bin"), dataFile());
    Path onnx = dir.resolve("m.onnx");

    Files.write(onnx, model("other.bin", 0, null));
    assertThatThrownBy(() -> OnnxImporter.read(onnx)).isInstanceOf(ModelFormatException.class)
        .hasMessageContainingAll(onnx.toString(), "initializer 'w'", "'other.bin' not found");

    Files.write(onnx, model("weights.bin", 16, 16L));
    assertThatThrownBy(() -> OnnxImporter.read(onnx)).isInstanceOf(ModelFormatException.class)
        .hasMessageContainingAll("initializer 'w' needs bytes 16..32 of external data file"
            + " 'weights.bin', which has only 24 bytes");

    Files.write(onnx, model("weights.bin", 8, 12L));
    assertThatThrownBy(() -> OnnxImporter.read(onnx)).hasMessageContaining(
        "initializer 'w' declares 12 bytes of external data in 'weights.bin', its shape needs 16");

    Files.write(onnx, model("../weights.bin", 8, null));
    assertThatThrownBy(() -> OnnxImporter.read(onnx))
        .hasMessageContaining("external data location '../weights.bin' leaves the model's directory");

    String abs = dir.resolve("weights.bin").toAbsolutePath().toString();
    Files.write(onnx, model(abs, 8, null));
    assertThatThrownBy(() -> OnnxImporter.read(onnx)).hasMessageContaining("is absolute");

    Files.write(onnx, model("weights.bin", -8, null));
    assertThatThrownBy(() -> OnnxImporter.read(onnx))
        .hasMessageContaining("external data offset '-8' is not a non-negative integer");

    byte[] bytes = model("weights.bin", 8, null);
    assertThatThrownBy(() -> OnnxImporter.read(bytes, "mem", null))
        .hasMessageContaining("the model was not read from a file");
  }

  @Test
  void symbolicLinksOutOfTheModelDirectoryAreRefused(@TempDir Path dir) throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.write(outside.resolve("weights.bin"), dataFile());
    Files.createSymbolicLink(model.resolve("weights.bin"), outside.resolve("weights.bin"));
    Path onnx = model.resolve("m.onnx");
    Files.write(onnx, model("weights.bin", 8, null));
    assertThatThrownBy(() -> OnnxImporter.read(onnx))
        .hasMessageContaining("'weights.bin' links out of the model's directory");
  }
}

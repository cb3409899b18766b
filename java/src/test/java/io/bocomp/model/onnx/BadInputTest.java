package io.bocomp.model.onnx;

import static io.bocomp.model.onnx.Protos.floatValue;
import static io.bocomp.model.onnx.Protos.floats;
import static io.bocomp.model.onnx.Protos.node;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.op.OpTable;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.testing.OpNets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad file gives one clear, specific error naming what is wrong. */
class BadInputTest {

  private static void assertFormatError(Onnx.GraphProto g, String... parts) {
    assertFormatError(Protos.model(g, 17), parts);
  }

  private static void assertFormatError(Onnx.ModelProto m, String... parts) {
    assertThatThrownBy(() -> OnnxImporter.read(m.toByteArray(), "bad.onnx", null))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith("bad.onnx: ")
        .hasMessageContainingAll(parts)
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void truncatedFile(@TempDir Path dir) throws Exception {
    byte[] ok = OnnxExporter.toBytes(OpNets.concat(1));
    Path f = dir.resolve("cut.onnx");
    Files.write(f, Arrays.copyOf(ok, ok.length / 2));
    assertThatThrownBy(() -> OnnxImporter.read(f))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(f + ": not an ONNX model (truncated or corrupt protobuf data)");
  }

  @Test
  void randomBytesEmptyFilesMissingFilesAndDirectories(@TempDir Path dir) throws Exception {
    byte[] junk = new byte[4096];
    new Random(1).nextBytes(junk);
    assertThatThrownBy(() -> OnnxImporter.read(junk, "junk.bin", null))
        .isInstanceOf(ModelFormatException.class).hasMessageStartingWith("junk.bin: not an ONNX model");
    byte[] text = "hello, I am a text file\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> OnnxImporter.read(text, "a.txt", null))
        .isInstanceOf(ModelFormatException.class).hasMessageStartingWith("a.txt: not an ONNX model");
    assertThatThrownBy(() -> OnnxImporter.read(new byte[0], "empty.onnx", null))
        .hasMessage("empty.onnx: not an ONNX model (empty file)");
    Path missing = dir.resolve("nope.onnx");
    assertThatThrownBy(() -> OnnxImporter.read(missing))
        .isInstanceOf(ModelFormatException.class).hasMessage(missing + ": no such file");
    assertThatThrownBy(() -> OnnxImporter.read(dir))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("is a directory");
  }

  @Test
  void unsupportedOpsetsAndIrVersions() {
    Onnx.ModelProto ok = Protos.model(Protos.addRelu(), 17);
    assertFormatError(Protos.model(Protos.addRelu(), 99),
        "unsupported opset 99 for domain ai.onnx (bocomp supports 7..25)");
    assertFormatError(Protos.model(Protos.addRelu(), 5), "unsupported opset 5");
    assertFormatError(ok.toBuilder().clearOpsetImport().build(), "no opset_import");
    assertFormatError(ok.toBuilder().setIrVersion(42).build(), "unsupported ONNX IR version 42");
    assertFormatError(ok.toBuilder().clearIrVersion().build(), "not an ONNX model (no ir_version field)");
  }

  @Test
  void unsupportedOpNamesTheNodeTheOpAndTheSupportedOps() {
    Onnx.GraphProto g = Protos.addRelu().toBuilder()
        .setNode(1, node("LSTM", "my_lstm", List.of("s"), List.of("y"))).build();
    assertThatThrownBy(() -> OnnxImporter.read(Protos.model(g, 17).toByteArray(), "m.onnx", null))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessage("m.onnx: node 'my_lstm' uses unsupported op LSTM; bocomp supports: "
            + OpTable.listing());
    Onnx.GraphProto custom = Protos.addRelu().toBuilder()
        .setNode(1, node("Relu", "ms_relu", List.of("s"), List.of("y")).toBuilder()
            .setDomain("com.microsoft").build()).build();
    assertThatThrownBy(() -> OnnxImporter.read(Protos.model(custom, 17).toByteArray(), "m.onnx", null))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContainingAll("node 'ms_relu'", "Relu", "domain 'com.microsoft'");
  }

  @Test
  void nonFloatInputsAreRefusedByName() {
    Onnx.GraphProto g = Protos.addRelu().toBuilder()
        .setInput(0, Protos.value("x", 7, -1, 4)).build();
    assertFormatError(g, "graph input 'x' has element type INT64; bocomp needs float32 inputs");
    Onnx.GraphProto seq = Protos.addRelu().toBuilder()
        .setInput(0, Onnx.ValueInfoProto.newBuilder().setName("x").setType(Onnx.TypeProto.newBuilder()
            .setSequenceType(Onnx.TypeProto.Sequence.getDefaultInstance()))).build();
    assertFormatError(seq, "graph input 'x' is not a tensor");
  }

  @Test
  void tensorsWhoseDataDoesNotMatchTheirShape() {
    assertFormatError(Protos.addRelu().toBuilder()
        .setInitializer(0, floats("w", new long[] {5}, 1, 2, 3, 4)).build(),
        "initializer 'w' holds 4 values, its shape [5] needs 5");
    assertFormatError(Protos.addRelu().toBuilder()
        .setInitializer(0, Protos.rawFloats("w", new long[] {2, 3}, 1, 2, 3, 4)).build(),
        "initializer 'w' has 16 bytes of raw_data, its shape [2, 3] of FLOAT needs 24");
    // a corrupted shape claiming 2^40 elements is refused before any allocation
    assertFormatError(Protos.addRelu().toBuilder()
        .setInitializer(0, floats("w", new long[] {1L << 20, 1L << 20}, 1, 2, 3, 4)).build(),
        "initializer 'w' has more than 2^31-1 elements");
    assertFormatError(Protos.addRelu().toBuilder()
        .setInitializer(0, floats("w", new long[] {-4}, 1, 2, 3, 4)).build(),
        "initializer 'w' has invalid dimension -4");
    assertFormatError(Protos.addRelu().toBuilder()
        .setInitializer(0, Onnx.TensorProto.newBuilder().setName("w").setDataType(8).addDims(1)
            .addStringData(ByteString.copyFromUtf8("s")).build()).build(),
        "initializer 'w' has data type STRING, which bocomp cannot convert");
    assertFormatError(Protos.addRelu().toBuilder()
        .setInitializer(0, Protos.int64s("w", new long[] {4}, 1, 2, 3, 4).toBuilder().setDataType(1)
            .build()).build(),
        "initializer 'w' of type FLOAT stores values in a data field of another type");
  }

  @Test
  void brokenGraphStructure() {
    Onnx.GraphProto base = Protos.addRelu();
    assertFormatError(base.toBuilder().setNode(1, node("Relu", "relu", List.of("nowhere"), List.of("y")))
        .build(), "Relu node 'relu' reads value 'nowhere', which no node produces");
    assertFormatError(base.toBuilder().setNode(0, node("Add", "add", List.of("x", "y"), List.of("s")))
        .build(), "graph has a cycle: Add node 'add' reads 'y' from Relu node 'relu', which reads 's'"
        + " from Add node 'add'");
    assertFormatError(base.toBuilder().setNode(1, node("Relu", "relu", List.of("s"), List.of("s")))
        .build(), "value 's' is produced by both Add node 'add' and Relu node 'relu'");
    assertFormatError(base.toBuilder().setOutput(0, floatValue("z", 4)).build(),
        "graph output 'z' is never produced");
    assertFormatError(base.toBuilder().addInitializer(floats("w", new long[] {1}, 1)).build(),
        "two initializers are named 'w'");
    assertFormatError(base.toBuilder().addNode(node("", "x1", List.of("y"), List.of("q"))).build(),
        "node 'x1' has no op_type");
    assertFormatError(base.toBuilder().addSparseInitializer(Onnx.SparseTensorProto.newBuilder()
        .setValues(floats("sp", new long[] {1}, 1))).build(), "sparse initializer 'sp'");
  }

  @Test
  void badConstantNodes() {
    Onnx.GraphProto base = Protos.addRelu();
    Onnx.AttributeProto sparse = Onnx.AttributeProto.newBuilder().setName("sparse_value")
        .setType(Onnx.AttributeProto.AttributeType.SPARSE_TENSOR)
        .setSparseTensor(Onnx.SparseTensorProto.getDefaultInstance()).build();
    assertFormatError(base.toBuilder().addNode(node("Constant", "k", List.of(), List.of("c"), sparse))
        .build(), "Constant node 'k' holds a sparse tensor");
    Onnx.AttributeProto str = Onnx.AttributeProto.newBuilder().setName("value_string")
        .setType(Onnx.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("a")).build();
    assertFormatError(base.toBuilder().addNode(node("Constant", "k", List.of(), List.of("c"), str))
        .build(), "Constant node 'k' holds strings");
    assertFormatError(base.toBuilder().addNode(node("Constant", "k", List.of(), List.of("w"),
        Protos.floatAttr("value_float", 1))).build(), "Constant node 'k' produces value 'w', which"
        + " is already an initializer");
  }
}

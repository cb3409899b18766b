package io.bocomp.model.onnx;

import static io.bocomp.model.onnx.Protos.floatValue;
import static io.bocomp.model.onnx.Protos.floats;
import static io.bocomp.model.onnx.Protos.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.OrtReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the importer makes of valid files: constants, names, order, inputs, tensor types. */
class OnnxImporterTest {

  private static Model read(Onnx.GraphProto g, long opset) {
    return OnnxImporter.read(Protos.model(g, opset).toByteArray(), "test.onnx", null);
  }

  @Test
  void constantNodesOfEveryKindBecomeInitializersAndTheResultRunsLikeTheOriginal() {
    // y = Reshape((x + c_tensor) * c_float - c_floats, shape); the int32, double and float16
    // constants are unused (ONNX Runtime would refuse mixing them with float), only decoded.
    Onnx.TensorProto int32Raw = Onnx.TensorProto.newBuilder().setDataType(6).addDims(4)
        .setRawData(le(4, 1, 2, 3, 4)).build();
    Onnx.TensorProto dbl = Onnx.TensorProto.newBuilder().setDataType(11).addDims(4)
        .addDoubleData(0.5).addDoubleData(-0.5).addDoubleData(1.5).addDoubleData(-1.5).build();
    Onnx.TensorProto half = Onnx.TensorProto.newBuilder().setDataType(10).addDims(4)
        .addInt32Data(0x3c00).addInt32Data(0xc000).addInt32Data(0x3800).addInt32Data(0x0001).build();
    Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("consts")
        .addInput(floatValue("x", -1, 4)).addOutput(floatValue("y", -1, 2, 2))
        .addNode(node("Constant", "c1", List.of(), List.of("ct"),
            Protos.tensorAttr("value", floats("", new long[] {4}, 1, 2, 3, 4))))
        .addNode(node("Constant", "c2", List.of(), List.of("cf"), Protos.floatAttr("value_float", 2f)))
        .addNode(node("Constant", "c3", List.of(), List.of("cfs"),
            Protos.floatsAttr("value_floats", 0.5f, 0.25f, 0, -1)))
        .addNode(node("Constant", "c4", List.of(), List.of("shape"),
            Protos.intsAttr("value_ints", -1, 2, 2)))
        .addNode(node("Constant", "c5", List.of(), List.of("ci"), Protos.tensorAttr("value", int32Raw)))
        .addNode(node("Constant", "c6", List.of(), List.of("cd"), Protos.tensorAttr("value", dbl)))
        .addNode(node("Constant", "c7", List.of(), List.of("ch"), Protos.tensorAttr("value", half)))
        .addNode(node("Add", "a", List.of("x", "ct"), List.of("s1")))
        .addNode(node("Mul", "m", List.of("s1", "cf"), List.of("s2")))
        .addNode(node("Sub", "b", List.of("s2", "cfs"), List.of("s3")))
        .addNode(node("Reshape", "r", List.of("s3", "shape"), List.of("y")))
        .build();
    byte[] bytes = Protos.model(g, 17).toByteArray();
    Model m = OnnxImporter.read(bytes, "consts.onnx", null);

    assertThat(m.graph().nodes()).extracting(Node::opType)
        .containsExactly("Add", "Mul", "Sub", "Reshape");
    assertThat(m.graph().initializer("cf").shape()).isEmpty();
    assertThat(m.graph().initializer("shape").toLongArray()).containsExactly(-1, 2, 2);
    assertThat(m.graph().initializer("ci").dtype()).isEqualTo(Tensor.DType.INT64);
    assertThat(m.graph().initializer("ci").toLongArray()).containsExactly(1, 2, 3, 4);
    assertThat(m.graph().initializer("cd").toFloatArray()).containsExactly(0.5f, -0.5f, 1.5f, -1.5f);
    assertThat(m.graph().initializer("ch").toFloatArray())
        .containsExactly(1f, -2f, 0.5f, 0x1p-24f); // float16 incl. the smallest subnormal

    Tensor x = Tensor.of(new int[] {2, 4}, new float[] {1, -1, 2, -2, 0.5f, 0, -3, 4});
    try (OrtReference before = new OrtReference(bytes);
        OrtReference after = new OrtReference(OnnxExporter.toBytes(m))) {
      float[] want = before.runFirst(x).toFloatArray();
      assertThat(after.runFirst(x).toFloatArray()).containsExactly(want, within(0f));
    }
  }

  @Test
  void unnamedAndDuplicateNodesGetDeterministicUniqueNames() {
    Onnx.GraphProto g = Onnx.GraphProto.newBuilder()
        .addInput(floatValue("x", 4)).addOutput(floatValue("y", 4))
        .addNode(node("Relu", null, List.of("x"), List.of("a")))           // 0: unnamed
        .addNode(node("Relu", "dup", List.of("a"), List.of("b")))          // 1: keeps "dup"
        .addNode(node("Relu", "dup", List.of("b"), List.of("c")))          // 2: duplicate
        .addNode(node("Relu", "", List.of("c"), List.of("d")))             // 3: empty, clashes
        .addNode(node("Relu", "Relu_3", List.of("d"), List.of("y")))       // 4: explicit Relu_3
        .build();
    Model m = read(g, 17);
    assertThat(m.graph().nodes()).extracting(Node::name)
        .containsExactly("Relu_0", "dup", "Relu_2", "Relu_3_1", "Relu_3");
  }

  @Test
  void unsortedNodesAreSortedStably() {
    Onnx.GraphProto g = Onnx.GraphProto.newBuilder()
        .addInput(floatValue("x", 4)).addOutput(floatValue("y", 4))
        .addNode(node("Add", "last", List.of("a", "b"), List.of("y")))
        .addNode(node("Relu", "second", List.of("a"), List.of("b")))
        .addNode(node("Sigmoid", "first", List.of("x"), List.of("a")))
        .build();
    assertThat(read(g, 17).graph().nodes()).extracting(Node::name)
        .containsExactly("first", "second", "last");
  }

  @Test
  void weightsListedAsInputsAreConstantsAndDimParamsAreKept() {
    Onnx.GraphProto g = Protos.addRelu().toBuilder()
        .addInput(floatValue("w", 4)) // old exporters list weights as inputs
        .build();
    Model m = read(g, 9);
    assertThat(m.graph().inputs()).hasSize(1);
    ValueInfo x = m.graph().inputs().get(0);
    assertThat(x.name()).isEqualTo("x");
    assertThat(x.shape()).containsExactly(-1, 4);
    assertThat(x.dimParam(0)).isEqualTo("N");
    assertThat(m.graph().isInitializer("w")).isTrue();
    assertThat(OnnxExporter.toProto(m).getGraph().getInput(0).getType().getTensorType().getShape()
        .getDim(0).getDimParam()).isEqualTo("N");
  }

  /** Paddle2ONNX writes dim_value -1 for a dynamic axis; ONNX Runtime reads it as unknown. */
  @Test
  void aDimValueOfMinusOneIsAnUnknownDimension() {
    Onnx.ValueInfoProto x = Onnx.ValueInfoProto.newBuilder().setName("x").setType(
        Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(1).setShape(Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(-1))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(4))))).build();
    Onnx.GraphProto g = Protos.addRelu().toBuilder().setInput(0, x).build();
    Model m = read(g, 13);
    assertThat(m.graph().inputs().get(0).shape()).containsExactly(-1, 4);
  }

  @Test
  void integerAndBoolTensorsWidenToInt64() {
    long[][] expect = {{-3, 0, 7}, {253, 0, 7}, {-3, 0, 7}, {1, 0, 1}};
    int[] types = {3 /* INT8 */, 2 /* UINT8 */, 5 /* INT16 */, 9 /* BOOL */};
    byte[][] raw = {{-3, 0, 7}, {-3, 0, 7}, {-3, -1, 0, 0, 7, 0}, {2, 0, 1}};
    for (int i = 0; i < types.length; i++) {
      Onnx.TensorProto t = Onnx.TensorProto.newBuilder().setName("t").setDataType(types[i])
          .addDims(3).setRawData(ByteString.copyFrom(raw[i])).build();
      Tensor d = TensorCodec.decode(t, "t", new ExternalDataReader(null));
      assertThat(d.dtype()).isEqualTo(Tensor.DType.INT64);
      assertThat(d.toLongArray()).as("type " + types[i]).containsExactly(expect[i]);
    }
    Onnx.TensorProto bf16 = Onnx.TensorProto.newBuilder().setDataType(16).addDims(2)
        .addInt32Data(0x3fc0).addInt32Data(0xc080).build();
    assertThat(TensorCodec.decode(bf16, "t", null).toFloatArray()).containsExactly(1.5f, -4f);
  }

  @Test
  void halfPrecisionDecodesExactly() {
    assertThat(TensorCodec.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
    assertThat(TensorCodec.halfToFloat((short) 0x0400)).isEqualTo(0x1p-14f);
    assertThat(TensorCodec.halfToFloat((short) 0x8000)).isEqualTo(-0f);
    assertThat(TensorCodec.halfToFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(TensorCodec.halfToFloat((short) 0x7e00)).isNaN();
  }

  @Test
  void nonFiniteWeightsAreWarningsNotErrors() {
    Onnx.GraphProto g = Protos.addRelu().toBuilder()
        .setInitializer(0, floats("w", new long[] {4}, 1, Float.NaN, Float.POSITIVE_INFINITY, 0))
        .build();
    Model m = read(g, 17);
    assertThat(m.warnings()).containsExactly("initializer 'w' holds 2 NaN or infinite values (of 4)");
    assertThat(m.withGraph(m.graph()).warnings()).isEqualTo(m.warnings());
  }

  @Test
  void anIdentityChainToTheOutputImportsAsIs() {
    Onnx.GraphProto g = Onnx.GraphProto.newBuilder()
        .addInput(floatValue("x", 2)).addOutput(floatValue("x", 2)).build();
    Model m = read(g, 17);
    assertThat(m.graph().nodes()).isEmpty();
    assertThat(m.graph().outputs()).extracting(ValueInfo::name).containsExactly("x");
  }

  private static ByteString le(int bytesPer, long... v) {
    ByteBuffer b = ByteBuffer.allocate(bytesPer * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      if (bytesPer == 4) {
        b.putInt((int) x);
      } else {
        b.putLong(x);
      }
    }
    return ByteString.copyFrom(b.array());
  }
}

package io.bocomp.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.bocomp.model.Attribute;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.OpNets;
import io.bocomp.testing.TestNets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Load -> save -> load keeps everything, including what bocomp does not interpret. */
class OnnxRoundTripTest {

  static List<Model> models() {
    List<Model> m = new ArrayList<>();
    m.add(TestNets.resnet18(32, 4, 10, 1));
    m.add(TestNets.mobileNetStyle(16, 2));
    m.add(TestNets.pytorchFlatten(8, 11, 3));
    m.addAll(OpNets.all(4).values());
    return m;
  }

  @Test
  void importKeepsNodesAttributesAndInitializerBytes() {
    for (Model original : models()) {
      Model back = OnnxImporter.read(OnnxExporter.toBytes(original), "mem", null);
      assertSameGraph(back.graph(), original.graph());
      assertThat(back.opset()).isEqualTo(original.opset());
      assertThat(back.irVersion()).isEqualTo(original.irVersion());
      assertThat(back.warnings()).isEmpty();
    }
  }

  @Test
  void exportIsAFixedPointOfImportThenExport() {
    for (Model original : models()) {
      byte[] first = OnnxExporter.toBytes(original);
      byte[] second = OnnxExporter.toBytes(OnnxImporter.read(first, "mem", null));
      byte[] third = OnnxExporter.toBytes(OnnxImporter.read(second, "mem", null));
      assertThat(second).as(original.graph().name()).isEqualTo(first);
      assertThat(third).isEqualTo(first);
    }
  }

  @Test
  void unknownFieldsAndMetadataSurviveByteIdentical(@TempDir Path dir) throws Exception {
    Onnx.ModelProto base = OnnxExporter.toProto(OpNets.concat(1));
    Onnx.GraphProto.Builder g = base.getGraph().toBuilder()
        .setUnknownFields(unknown(1001, "graph"))
        .setDocString("graph doc");
    g.setNode(0, g.getNode(0).toBuilder().setUnknownFields(unknown(1002, "node"))
        .setDocString("node doc")
        .setAttribute(0, g.getNode(0).getAttribute(0).toBuilder()
            .setUnknownFields(unknown(1003, "attribute")).setDocString("attr doc")));
    g.setInitializer(0, g.getInitializer(0).toBuilder().setUnknownFields(unknown(1004, "tensor"))
        .setDocString("tensor doc"));
    g.setInput(0, g.getInput(0).toBuilder().setUnknownFields(unknown(1005, "input")));
    g.setOutput(0, g.getOutput(0).toBuilder().setUnknownFields(unknown(1006, "output")));
    Onnx.ModelProto withUnknown = base.toBuilder().setGraph(g)
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .mergeFrom(unknown(1000, "model"))
            .addField(20, UnknownFieldSet.Field.newBuilder() // training_info, not in bocomp's schema
                .addLengthDelimited(ByteString.copyFrom(new byte[] {10, 0})).build())
            .build())
        .setDocString("model doc").setProducerVersion("9.9").setModelVersion(7)
        .addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey("k").setValue("v"))
        .build();

    Path in = dir.resolve("in.onnx");
    Files.write(in, withUnknown.toByteArray());
    Path out = dir.resolve("out.onnx");
    OnnxExporter.write(OnnxImporter.read(in), out);
    Onnx.ModelProto back = Onnx.ModelProto.parseFrom(Files.readAllBytes(out));

    assertThat(back.getUnknownFields().toByteString())
        .isEqualTo(withUnknown.getUnknownFields().toByteString());
    Onnx.GraphProto bg = back.getGraph();
    assertThat(bg.getUnknownFields()).isEqualTo(unknown(1001, "graph"));
    assertThat(bg.getNode(0).getUnknownFields()).isEqualTo(unknown(1002, "node"));
    assertThat(bg.getNode(0).getAttribute(0).getUnknownFields()).isEqualTo(unknown(1003, "attribute"));
    assertThat(bg.getInitializer(0).getUnknownFields()).isEqualTo(unknown(1004, "tensor"));
    assertThat(bg.getInput(0).getUnknownFields()).isEqualTo(unknown(1005, "input"));
    assertThat(bg.getOutput(0).getUnknownFields()).isEqualTo(unknown(1006, "output"));
    assertThat(back.getMetadataProps(0).getValue()).isEqualTo("v");
    assertThat(bg.getNode(0).getDocString()).isEqualTo("node doc");
    assertThat(bg.getInitializer(0).getDocString()).isEqualTo("tensor doc");
    // the input was canonical protobuf, so the whole file comes back byte for byte
    assertThat(Files.readAllBytes(out)).isEqualTo(withUnknown.toByteArray());
  }

  @Test
  void opaqueAttributesAndChangedNodesAreWrittenBack() {
    Onnx.AttributeProto graphAttr = Onnx.AttributeProto.newBuilder().setName("body")
        .setType(Onnx.AttributeProto.AttributeType.GRAPH)
        .setG(Onnx.GraphProto.newBuilder().setName("sub")).build();
    Onnx.GraphProto g = Protos.addRelu().toBuilder()
        .setNode(1, Protos.node("Relu", "relu", List.of("s"), List.of("y"), graphAttr,
            Protos.intAttr("kept", 3)))
        .build();
    Model m = OnnxImporter.read(Protos.model(g, 17).toByteArray(), "mem", null);
    Node relu = m.graph().node("relu").orElseThrow();
    assertThat(relu.attribute("body").kind()).isEqualTo(Attribute.Kind.OPAQUE);

    // change an attribute and an input: the change is written, the opaque attribute is kept
    Node changed = relu.toBuilder().attr("kept", 4L).build();
    Graph.Builder gb = m.graph().toBuilder();
    gb.nodes().set(gb.nodes().indexOf(relu), changed);
    Onnx.NodeProto out = OnnxExporter.toProto(m.withGraph(gb.build())).getGraph().getNode(1);
    assertThat(out.getAttributeList()).extracting(Onnx.AttributeProto::getName)
        .containsExactly("body", "kept");
    assertThat(out.getAttribute(0)).isEqualTo(graphAttr);
    assertThat(out.getAttribute(1).getI()).isEqualTo(4);
  }

  @Test
  void writeIsAtomicAndReplacesTheTarget(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("m.onnx");
    Files.writeString(out, "old");
    OnnxExporter.write(OpNets.matMul(1), out);
    assertThat(OnnxImporter.read(out).graph().nodes()).hasSize(4);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(out); // no temporary file left behind
    }
  }

  @Test
  void irVersion3ListsInitializersAsInputsAndImportDropsThem() {
    Model m = OpNets.matMul(1);
    Model old = new Model(m.graph(), 3, Map.of("", 8L), "old", null);
    Onnx.ModelProto p = OnnxExporter.toProto(old);
    assertThat(p.getGraph().getInputList()).extracting(Onnx.ValueInfoProto::getName)
        .containsExactly("input", "w1", "b1", "w2");
    Model back = OnnxImporter.read(p.toByteArray(), "mem", null);
    assertThat(back.graph().inputs()).extracting(ValueInfo::name).containsExactly("input");
    assertThat(back.graph().initializers()).containsOnlyKeys("w1", "b1", "w2");
  }

  @Test
  void valueInfosOfIntermediatesAreWrittenOnlyWhileTheValueExists() {
    Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("vi")
        .addInput(Protos.floatValue("x", -1, 4)).addOutput(Protos.floatValue("y", -1, 4))
        .addInitializer(Protos.floats("w", new long[] {4}, 1, 2, 3, 4))
        .addNode(Protos.node("Add", "add", List.of("x", "w"), List.of("s")))
        .addNode(Protos.node("Identity", "id", List.of("s"), List.of("t")))
        .addNode(Protos.node("Relu", "relu", List.of("t"), List.of("y")))
        .addValueInfo(Protos.floatValue("s", -1, 4)).addValueInfo(Protos.floatValue("t", -1, 4))
        .build();
    Model m = OnnxImporter.read(Protos.model(g, 17).toByteArray(), "mem", null);
    assertThat(m.graph().valueInfos()).containsOnlyKeys("s", "t");
    assertThat(OnnxExporter.toProto(m).getGraph().getValueInfoList())
        .isEqualTo(g.getValueInfoList());
    Model opt = io.bocomp.model.GraphOptimizer.standard().apply(m);
    assertThat(OnnxExporter.toProto(opt).getGraph().getValueInfoList())
        .containsExactly(g.getValueInfo(0));
  }

  private static UnknownFieldSet unknown(int field, String text) {
    return UnknownFieldSet.newBuilder()
        .addField(field, UnknownFieldSet.Field.newBuilder().addVarint(field * 7L)
            .addLengthDelimited(ByteString.copyFromUtf8(text)).build())
        .build();
  }

  static void assertSameGraph(Graph actual, Graph expected) {
    assertThat(actual.nodes()).hasSameSizeAs(expected.nodes());
    for (int i = 0; i < expected.nodes().size(); i++) {
      Node a = actual.nodes().get(i);
      Node e = expected.nodes().get(i);
      assertThat(a.name()).isEqualTo(e.name());
      assertThat(a.opType()).isEqualTo(e.opType());
      assertThat(a.inputs()).isEqualTo(e.inputs());
      assertThat(a.outputs()).isEqualTo(e.outputs());
      assertThat(a.attributes().keySet()).isEqualTo(e.attributes().keySet());
      for (String k : e.attributes().keySet()) {
        assertThat(a.attribute(k).toString()).as(e.name() + "." + k)
            .isEqualTo(e.attribute(k).toString());
      }
    }
    assertThat(actual.initializers().keySet()).isEqualTo(expected.initializers().keySet());
    for (Map.Entry<String, Tensor> e : expected.initializers().entrySet()) {
      assertThat(actual.initializer(e.getKey()).contentEquals(e.getValue())).as(e.getKey()).isTrue();
    }
    assertThat(actual.inputs()).extracting(ValueInfo::toString)
        .isEqualTo(expected.inputs().stream().map(ValueInfo::toString).toList());
    assertThat(actual.outputs()).extracting(ValueInfo::name)
        .isEqualTo(expected.outputs().stream().map(ValueInfo::name).toList());
  }
}

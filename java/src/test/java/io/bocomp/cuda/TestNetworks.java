package io.bocomp.cuda;

import com.google.protobuf.ByteString;
import io.bocomp.model.Attribute;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.onnx.Onnx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * A small CNN with every operator the GPU backend runs, at awkward sizes (odd spatial dims,
 * asymmetric pads, SAME padding, strides 2, a pointwise conv, broadcasting adds, a residual), and
 * a minimal converter of such graphs to ONNX for ONNX Runtime.
 */
final class TestNetworks {
  private TestNetworks() {}

  static final String INPUT = "x";
  static final String PROBS = "probs";
  static final String POOLED = "pooled";

  static Graph cnn() {
    Graph.Builder g = Graph.builder().name("awkward-cnn");
    g.input(new ValueInfo(INPUT, ValueInfo.ELEM_FLOAT, new int[] {-1, 3, 17, 13},
        new String[] {"N", null, null, null}));
    g.initializer("w1", TestMatrices.gaussian(1, 8, 3, 3, 3));
    g.initializer("b1", TestMatrices.gaussian(2, 8));
    g.initializer("w2", TestMatrices.gaussian(3, 6, 8, 1, 1));
    g.initializer("bn_scale", TestMatrices.gaussian(4, 6));
    g.initializer("bn_b", TestMatrices.gaussian(5, 6));
    g.initializer("bn_mean", TestMatrices.gaussian(6, 6));
    Tensor var = TestMatrices.gaussian(7, 6);
    for (int i = 0; i < 6; i++) {
      var.set(i, 0.5f + Math.abs(var.get(i)));
    }
    g.initializer("bn_var", var);
    g.initializer("clip_min", Tensor.scalar(0f));
    g.initializer("clip_max", Tensor.scalar(6f));
    g.initializer("w3", TestMatrices.gaussian(8, 6, 6, 3, 3));
    g.initializer("b3", TestMatrices.gaussian(9, 6));
    g.initializer("chan", TestMatrices.gaussian(10, 6, 1, 1));
    g.initializer("wg", TestMatrices.gaussian(11, 10, 54));
    g.initializer("bg", TestMatrices.gaussian(12, 10));
    g.initializer("wm", TestMatrices.gaussian(13, 10, 7));
    g.initializer("shape", Tensor.ofLongs(new int[] {2}, new long[] {-1, 7}));
    g.addNode(Node.builder("Conv").name("c1").inputs(INPUT, "w1", "b1").outputs("c1")
        .attr("pads", 1, 1, 1, 1).attr("strides", 2, 2).build());
    g.addNode(Node.builder("Relu").name("r1").inputs("c1").outputs("r1").build());
    g.addNode(Node.builder("MaxPool").name("p1").inputs("r1").outputs("p1")
        .attr("kernel_shape", 3, 3).attr("strides", 2, 2).attr("pads", 1, 0, 1, 0).build());
    g.addNode(Node.builder("Conv").name("c2").inputs("p1", "w2").outputs("c2").build());
    g.addNode(Node.builder("BatchNormalization").name("bn").outputs("bn")
        .inputs("c2", "bn_scale", "bn_b", "bn_mean", "bn_var").attr("epsilon", 1e-3f).build());
    g.addNode(Node.builder("Clip").name("cl").inputs("bn", "clip_min", "clip_max").outputs("cl").build());
    g.addNode(Node.builder("Conv").name("c3").inputs("cl", "w3", "b3").outputs("c3")
        .attr("auto_pad", "SAME_UPPER").attr("strides", 2, 1).build());
    g.addNode(Node.builder("AveragePool").name("ap").inputs("c3").outputs("ap")
        .attr("kernel_shape", 2, 2).attr("pads", 0, 0, 1, 1).attr("count_include_pad", 0L).build());
    g.addNode(Node.builder("Add").name("ad").inputs("ap", "chan").outputs("ad").build());
    g.addNode(Node.builder("Add").name("res").inputs("ad", "c3").outputs("res").build());
    g.addNode(Node.builder("GlobalAveragePool").name("gap").inputs("res").outputs(POOLED).build());
    g.addNode(Node.builder("Flatten").name("fl").inputs("res").outputs("fl").build());
    g.addNode(Node.builder("Dropout").name("dr").inputs("fl").outputs("dr").build());
    g.addNode(Node.builder("Gemm").name("g1").inputs("dr", "wg", "bg").outputs("g1")
        .attr("transB", 1L).attr("alpha", 0.5f).attr("beta", 2f).build());
    g.addNode(Node.builder("MatMul").name("mm").inputs("g1", "wm").outputs("mm").build());
    g.addNode(Node.builder("Reshape").name("rs").inputs("mm", "shape").outputs("rs").build());
    g.addNode(Node.builder("Softmax").name("sm").inputs("rs").outputs(PROBS).attr("axis", -1L).build());
    g.output(new ValueInfo(PROBS, ValueInfo.ELEM_FLOAT, new int[] {-1, 7}, null));
    g.output(new ValueInfo(POOLED, ValueInfo.ELEM_FLOAT, new int[] {-1, 6, 1, 1}, null));
    return g.build();
  }

  /** An ONNX model (opset 17) of a graph built from the attribute kinds used above. */
  static byte[] toOnnx(Graph graph) {
    Onnx.GraphProto.Builder gp = Onnx.GraphProto.newBuilder().setName(graph.name());
    for (Map.Entry<String, Tensor> e : graph.initializers().entrySet()) {
      gp.addInitializer(tensor(e.getKey(), e.getValue()));
    }
    for (ValueInfo v : graph.inputs()) {
      gp.addInput(valueInfo(v));
    }
    for (ValueInfo v : graph.outputs()) {
      gp.addOutput(valueInfo(v));
    }
    for (Node n : graph.nodes()) {
      Onnx.NodeProto.Builder np = Onnx.NodeProto.newBuilder().setName(n.name())
          .setOpType(n.opType()).addAllInput(n.inputs()).addAllOutput(n.outputs());
      for (Map.Entry<String, Attribute> a : n.attributes().entrySet()) {
        Onnx.AttributeProto.Builder ap = Onnx.AttributeProto.newBuilder().setName(a.getKey());
        Attribute v = a.getValue();
        switch (v.kind()) {
          case INT -> ap.setType(Onnx.AttributeProto.AttributeType.INT).setI(v.asInt());
          case FLOAT -> ap.setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v.asFloat());
          case STRING -> ap.setType(Onnx.AttributeProto.AttributeType.STRING)
              .setS(ByteString.copyFromUtf8(v.asString()));
          case INTS -> {
            ap.setType(Onnx.AttributeProto.AttributeType.INTS);
            for (long x : v.asInts()) {
              ap.addInts(x);
            }
          }
          default -> throw new IllegalArgumentException("attribute kind " + v.kind());
        }
        np.addAttribute(ap);
      }
      gp.addNode(np);
    }
    return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("bocomp-test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(gp).build().toByteArray();
  }

  private static Onnx.TensorProto tensor(String name, Tensor t) {
    Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(name);
    for (int d : t.shape()) {
      b.addDims(d);
    }
    if (t.isFloat()) {
      ByteBuffer raw = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < t.size(); i++) {
        raw.putFloat(t.get(i));
      }
      b.setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(raw.array()));
    } else {
      b.setDataType(Onnx.TensorProto.DataType.INT64_VALUE);
      for (long v : t.toLongArray()) {
        b.addInt64Data(v);
      }
    }
    return b.build();
  }

  private static Onnx.ValueInfoProto valueInfo(ValueInfo v) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    int[] s = v.shape();
    for (int i = 0; i < s.length; i++) {
      Onnx.TensorShapeProto.Dimension.Builder d = Onnx.TensorShapeProto.Dimension.newBuilder();
      if (s[i] >= 0) {
        d.setDimValue(s[i]);
      } else {
        d.setDimParam(v.dimParam(i) == null ? "d" + i : v.dimParam(i));
      }
      shape.addDim(d);
    }
    return Onnx.ValueInfoProto.newBuilder().setName(v.name()).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(v.elemType()).setShape(shape)))
        .build();
  }
}

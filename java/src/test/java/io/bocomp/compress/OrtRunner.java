package io.bocomp.compress;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import io.bocomp.model.Attribute;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.onnx.Onnx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Runs a bocomp graph in ONNX Runtime: serializes it to an ONNX ModelProto (opset 17) with a
 * minimal test-only writer and runs the first output for one input. The reference the compression
 * tests compare against.
 */
final class OrtRunner {
  private OrtRunner() {}

  static Tensor run(Graph g, Tensor input) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      opts.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(toOnnx(g).toByteArray(), opts);
           OnnxTensor x = OnnxTensor.createTensor(env, input.data(), longs(input.shape()));
           OrtSession.Result r = s.run(Map.of(g.inputs().get(0).name(), x))) {
        OnnxTensor y = (OnnxTensor) r.get(0);
        long[] shape = y.getInfo().getShape();
        int[] dims = new int[shape.length];
        for (int i = 0; i < dims.length; i++) {
          dims[i] = (int) shape[i];
        }
        FloatBuffer fb = y.getFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return Tensor.of(dims, out);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime rejected the graph: " + e.getMessage(), e);
    }
  }

  /** The graph as an opset-17 ModelProto (test-only writer: the attribute kinds used here). */
  static Onnx.ModelProto toOnnx(Graph g) {
    Onnx.GraphProto.Builder gp = Onnx.GraphProto.newBuilder().setName(g.name());
    for (Node n : g.nodes()) {
      Onnx.NodeProto.Builder np = Onnx.NodeProto.newBuilder().setName(n.name())
          .setOpType(n.opType()).addAllInput(n.inputs()).addAllOutput(n.outputs());
      for (Map.Entry<String, Attribute> e : n.attributes().entrySet()) {
        np.addAttribute(attribute(e.getKey(), e.getValue()));
      }
      gp.addNode(np);
    }
    for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
      gp.addInitializer(tensor(e.getKey(), e.getValue()));
    }
    for (ValueInfo v : g.inputs()) {
      gp.addInput(valueInfo(v));
    }
    for (ValueInfo v : g.outputs()) {
      gp.addOutput(valueInfo(v));
    }
    for (ValueInfo v : g.valueInfos().values()) {
      if (!g.isOutput(v.name())) {
        gp.addValueInfo(valueInfo(v));
      }
    }
    return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("bocomp-test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(gp).build();
  }

  private static Onnx.AttributeProto attribute(String name, Attribute a) {
    Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name);
    switch (a.kind()) {
      case INT:
        return b.setType(Onnx.AttributeProto.AttributeType.INT).setI(a.asInt()).build();
      case FLOAT:
        return b.setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(a.asFloat()).build();
      case STRING:
        return b.setType(Onnx.AttributeProto.AttributeType.STRING)
            .setS(ByteString.copyFromUtf8(a.asString())).build();
      case INTS:
        b.setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : a.asInts()) {
          b.addInts(v);
        }
        return b.build();
      default:
        throw new IllegalArgumentException("test writer does not handle " + a.kind());
    }
  }

  private static Onnx.TensorProto tensor(String name, Tensor t) {
    Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(name);
    for (int d : t.shape()) {
      b.addDims(d);
    }
    if (t.isFloat()) {
      ByteBuffer bb = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
      bb.asFloatBuffer().put(t.data());
      b.setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(bb));
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
    for (int d : v.shape()) {
      shape.addDim(d < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return Onnx.ValueInfoProto.newBuilder().setName(v.name())
        .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(v.elemType()).setShape(shape)))
        .build();
  }

  private static long[] longs(int[] s) {
    long[] l = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      l[i] = s[i];
    }
    return l;
  }
}

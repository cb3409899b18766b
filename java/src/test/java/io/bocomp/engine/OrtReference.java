package io.bocomp.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
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
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only bridge to ONNX Runtime: writes an in-memory {@link Graph} as an ONNX ModelProto with
 * the generated protobuf classes (weights as raw_data; deliberately a sliver of the exporter, so
 * engine tests do not depend on it) and runs it in ONNX Runtime Java on the same inputs the engine
 * gets.
 */
public final class OrtReference {
  private OrtReference() {}

  /** The model as ONNX bytes. */
  public static byte[] toOnnx(Graph g, long opset) {
    Onnx.GraphProto.Builder gp = Onnx.GraphProto.newBuilder().setName(g.name());
    for (Node n : g.nodes()) {
      gp.addNode(node(n));
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
    long ir = opset <= 12 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
    return Onnx.ModelProto.newBuilder()
        .setIrVersion(ir)
        .setProducerName("bocomp-test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(gp)
        .build()
        .toByteArray();
  }

  private static Onnx.NodeProto node(Node n) {
    Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(n.opType()).setName(n.name());
    b.addAllInput(n.inputs()).addAllOutput(n.outputs());
    for (Map.Entry<String, Attribute> e : n.attributes().entrySet()) {
      b.addAttribute(attribute(e.getKey(), e.getValue()));
    }
    return b.build();
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
      case FLOATS:
        b.setType(Onnx.AttributeProto.AttributeType.FLOATS);
        for (float v : a.asFloats()) {
          b.addFloats(v);
        }
        return b.build();
      case TENSOR:
        return b.setType(Onnx.AttributeProto.AttributeType.TENSOR)
            .setT(tensor("", a.asTensor())).build();
      default:
        throw new IllegalArgumentException("attribute kind " + a.kind());
    }
  }

  private static Onnx.TensorProto tensor(String name, Tensor t) {
    Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(name);
    for (int d : t.shape()) {
      b.addDims(d);
    }
    ByteBuffer raw = ByteBuffer.allocate((int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    if (t.isFloat()) {
      b.setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE);
      for (float v : t.toFloatArray()) {
        raw.putFloat(v);
      }
    } else {
      b.setDataType(Onnx.TensorProto.DataType.INT64_VALUE);
      for (long v : t.toLongArray()) {
        raw.putLong(v);
      }
    }
    return b.setRawData(ByteString.copyFrom(raw.array())).build();
  }

  private static Onnx.ValueInfoProto valueInfo(ValueInfo v) {
    Onnx.TypeProto.Tensor.Builder tt = Onnx.TypeProto.Tensor.newBuilder()
        .setElemType(v.elemType() == 0 ? ValueInfo.ELEM_FLOAT : v.elemType());
    int[] s = v.shape();
    if (s != null) {
      Onnx.TensorShapeProto.Builder sp = Onnx.TensorShapeProto.newBuilder();
      for (int i = 0; i < s.length; i++) {
        sp.addDim(s[i] >= 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(s[i])
            : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
      }
      tt.setShape(sp);
    }
    return Onnx.ValueInfoProto.newBuilder().setName(v.name())
        .setType(Onnx.TypeProto.newBuilder().setTensorType(tt)).build();
  }

  /** Runs the graph in ONNX Runtime and returns the requested outputs (graph outputs by default). */
  public static Map<String, Tensor> run(Graph g, long opset, Map<String, Tensor> feeds,
      List<String> outputs) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(toOnnx(g, opset), opts)) {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
          for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
            Tensor t = e.getValue();
            long[] shape = new long[t.rank()];
            for (int i = 0; i < shape.length; i++) {
              shape[i] = t.dim(i);
            }
            in.put(e.getKey(), t.isFloat()
                ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()), shape)
                : OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), shape));
          }
          Map<String, Tensor> result = new LinkedHashMap<>();
          try (OrtSession.Result r = session.run(in, new java.util.LinkedHashSet<>(outputs))) {
            for (String name : outputs) {
              result.put(name, toTensor((OnnxTensor) r.get(name).orElseThrow()));
            }
          }
          return result;
        } finally {
          in.values().forEach(OnnxValue::close);
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  /** Runs a graph's first output on one input. */
  public static Tensor run(Graph g, long opset, Tensor input) {
    String in = g.inputs().get(0).name();
    String out = g.outputs().get(0).name();
    return run(g, opset, Map.of(in, input), List.of(out)).get(out);
  }

  private static Tensor toTensor(OnnxTensor t) throws OrtException {
    long[] s = t.getInfo().getShape();
    int[] shape = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = (int) s[i];
    }
    if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64) {
      LongBuffer lb = t.getLongBuffer();
      long[] v = new long[lb.remaining()];
      lb.get(v);
      return Tensor.ofLongs(shape, v);
    }
    FloatBuffer fb = t.getFloatBuffer();
    float[] v = new float[fb.remaining()];
    fb.get(v);
    return Tensor.of(shape, v);
  }
}

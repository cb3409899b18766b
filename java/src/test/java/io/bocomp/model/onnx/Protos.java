package io.bocomp.model.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Terse constructors of ONNX protobuf messages for hand-made test models. */
final class Protos {
  private Protos() {}

  static Onnx.ModelProto model(Onnx.GraphProto g, long opset) {
    return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g).build();
  }

  /** A tensor value info; a negative dim becomes dim_param "N". */
  static Onnx.ValueInfoProto value(String name, int elemType, long... dims) {
    Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(d < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
  }

  static Onnx.ValueInfoProto floatValue(String name, long... dims) {
    return value(name, 1, dims);
  }

  /** A FLOAT tensor in float_data. */
  static Onnx.TensorProto floats(String name, long[] dims, float... v) {
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float f : v) {
      t.addFloatData(f);
    }
    return t.build();
  }

  /** A FLOAT tensor in little-endian raw_data. */
  static Onnx.TensorProto rawFloats(String name, long[] dims, float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  static Onnx.TensorProto int64s(String name, long[] dims, long... v) {
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(7);
    for (long d : dims) {
      t.addDims(d);
    }
    for (long x : v) {
      t.addInt64Data(x);
    }
    return t.build();
  }

  static Onnx.NodeProto node(String op, String name, List<String> in, List<String> out,
      Onnx.AttributeProto... attrs) {
    Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).addAllInput(in)
        .addAllOutput(out);
    if (name != null) {
      n.setName(name);
    }
    for (Onnx.AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    return n.build();
  }

  static Onnx.AttributeProto intAttr(String name, long v) {
    return Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
  }

  static Onnx.AttributeProto floatAttr(String name, float v) {
    return Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
  }

  static Onnx.AttributeProto intsAttr(String name, long... v) {
    Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  static Onnx.AttributeProto floatsAttr(String name, float... v) {
    Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.FLOATS);
    for (float x : v) {
      a.addFloats(x);
    }
    return a.build();
  }

  static Onnx.AttributeProto tensorAttr(String name, Onnx.TensorProto t) {
    return Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(t).build();
  }

  /** input x (N,4) -> Add(x, w) -> Relu -> y, with w a (4) initializer. */
  static Onnx.GraphProto addRelu() {
    return Onnx.GraphProto.newBuilder().setName("add_relu")
        .addInput(floatValue("x", -1, 4)).addOutput(floatValue("y", -1, 4))
        .addInitializer(floats("w", new long[] {4}, 1, -2, 3, -4))
        .addNode(node("Add", "add", List.of("x", "w"), List.of("s")))
        .addNode(node("Relu", "relu", List.of("s"), List.of("y")))
        .build();
  }
}

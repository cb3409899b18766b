package io.bocomp.model.onnx;

import io.bocomp.model.Attribute;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts ONNX {@code AttributeProto}s to {@link Attribute}s and back.
 *
 * <p>FLOAT, INT, STRING (valid UTF-8), TENSOR, FLOATS, INTS and STRINGS are interpreted; every other
 * kind (graphs, sparse tensors, type protos, references to function attributes, binary strings) is
 * kept verbatim as {@link Attribute#opaque}. Files older than IR version 2 omit the {@code type}
 * field; the kind is then inferred from the field that is set.
 *
 * <p>On export an attribute whose value is unchanged since import is written back as the original
 * message, so its {@code doc_string} and any unknown fields survive; changed or new attributes are
 * encoded afresh.
 */
final class AttributeCodec {
  private AttributeCodec() {}

  static Attribute decode(Onnx.AttributeProto a, String what, ExternalDataReader external) {
    if (a.hasRefAttrName() && !a.getRefAttrName().isEmpty()) {
      return Attribute.opaque(a);
    }
    switch (kindOf(a)) {
      case FLOAT:
        return Attribute.ofFloat(a.getF());
      case INT:
        return Attribute.ofInt(a.getI());
      case STRING:
        return a.getS().isValidUtf8() ? Attribute.ofString(a.getS().toStringUtf8()) : Attribute.opaque(a);
      case TENSOR:
        return Attribute.ofTensor(TensorCodec.decode(a.getT(), what, external));
      case FLOATS: {
        float[] v = new float[a.getFloatsCount()];
        for (int i = 0; i < v.length; i++) {
          v[i] = a.getFloats(i);
        }
        return Attribute.ofFloats(v);
      }
      case INTS: {
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
          v[i] = a.getInts(i);
        }
        return Attribute.ofInts(v);
      }
      case STRINGS: {
        List<String> v = new ArrayList<>(a.getStringsCount());
        for (com.google.protobuf.ByteString s : a.getStringsList()) {
          if (!s.isValidUtf8()) {
            return Attribute.opaque(a);
          }
          v.add(s.toStringUtf8());
        }
        return Attribute.ofStrings(v);
      }
      default:
        return Attribute.opaque(a);
    }
  }

  /**
   * The message for an attribute.
   *
   * @param original the message the node was imported with under this name, or null
   */
  static Onnx.AttributeProto encode(String name, Attribute a, Onnx.AttributeProto original) {
    if (a.kind() == Attribute.Kind.OPAQUE) {
      Object o = a.opaqueValue();
      if (!(o instanceof Onnx.AttributeProto)) {
        throw new IllegalArgumentException("opaque attribute '" + name + "' holds "
            + (o == null ? "null" : o.getClass().getName()) + ", not an ONNX AttributeProto");
      }
      Onnx.AttributeProto p = (Onnx.AttributeProto) o;
      return p.getName().equals(name) ? p : p.toBuilder().setName(name).build();
    }
    Onnx.AttributeProto fresh = fresh(name, a);
    if (original != null && fresh.equals(valueOnly(original))) {
      return original;
    }
    return fresh;
  }

  private static Onnx.AttributeProto fresh(String name, Attribute a) {
    Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name);
    switch (a.kind()) {
      case INT:
        return b.setType(Onnx.AttributeProto.AttributeType.INT).setI(a.asInt()).build();
      case FLOAT:
        return b.setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(a.asFloat()).build();
      case STRING:
        return b.setType(Onnx.AttributeProto.AttributeType.STRING)
            .setS(com.google.protobuf.ByteString.copyFromUtf8(a.asString())).build();
      case TENSOR: {
        Tensor t = a.asTensor();
        return b.setType(Onnx.AttributeProto.AttributeType.TENSOR)
            .setT(TensorCodec.encode(t, Onnx.TensorProto.newBuilder())).build();
      }
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
      case STRINGS:
        b.setType(Onnx.AttributeProto.AttributeType.STRINGS);
        for (String s : a.asStrings()) {
          b.addStrings(com.google.protobuf.ByteString.copyFromUtf8(s));
        }
        return b.build();
      default:
        throw new IllegalStateException("unhandled attribute kind " + a.kind());
    }
  }

  /** The message without the parts that carry no value (doc string, unknown fields). */
  private static Onnx.AttributeProto valueOnly(Onnx.AttributeProto p) {
    return p.toBuilder().clearDocString()
        .setUnknownFields(com.google.protobuf.UnknownFieldSet.getDefaultInstance()).build();
  }

  private static Onnx.AttributeProto.AttributeType kindOf(Onnx.AttributeProto a) {
    if (a.hasType()) {
      return a.getType();
    }
    if (a.getFloatsCount() > 0) {
      return Onnx.AttributeProto.AttributeType.FLOATS;
    }
    if (a.getIntsCount() > 0) {
      return Onnx.AttributeProto.AttributeType.INTS;
    }
    if (a.getStringsCount() > 0) {
      return Onnx.AttributeProto.AttributeType.STRINGS;
    }
    if (a.hasF()) {
      return Onnx.AttributeProto.AttributeType.FLOAT;
    }
    if (a.hasI()) {
      return Onnx.AttributeProto.AttributeType.INT;
    }
    if (a.hasS()) {
      return Onnx.AttributeProto.AttributeType.STRING;
    }
    if (a.hasT()) {
      return Onnx.AttributeProto.AttributeType.TENSOR;
    }
    return Onnx.AttributeProto.AttributeType.UNDEFINED;
  }
}

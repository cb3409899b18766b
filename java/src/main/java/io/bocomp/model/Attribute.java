package io.bocomp.model;

import java.util.Arrays;
import java.util.List;

/**
 * A node attribute: one of int, float, string, tensor, ints, floats, strings. Attribute kinds bocomp
 * does not interpret (graphs, sparse tensors, type protos) are kept as {@link Kind#OPAQUE} with their
 * original protobuf message so an export writes them back unchanged.
 */
public final class Attribute {

  /** The value kinds bocomp interprets. */
  public enum Kind {
    INT, FLOAT, STRING, TENSOR, INTS, FLOATS, STRINGS, OPAQUE
  }

  private final Kind kind;
  private final long i;
  private final float f;
  private final String s;
  private final Tensor t;
  private final long[] ints;
  private final float[] floats;
  private final List<String> strings;
  private final Object opaque;

  private Attribute(Kind kind, long i, float f, String s, Tensor t, long[] ints, float[] floats,
      List<String> strings, Object opaque) {
    this.kind = kind;
    this.i = i;
    this.f = f;
    this.s = s;
    this.t = t;
    this.ints = ints;
    this.floats = floats;
    this.strings = strings;
    this.opaque = opaque;
  }

  public static Attribute ofInt(long v) {
    return new Attribute(Kind.INT, v, 0, null, null, null, null, null, null);
  }

  public static Attribute ofFloat(float v) {
    return new Attribute(Kind.FLOAT, 0, v, null, null, null, null, null, null);
  }

  public static Attribute ofString(String v) {
    return new Attribute(Kind.STRING, 0, 0, v, null, null, null, null, null);
  }

  public static Attribute ofTensor(Tensor v) {
    return new Attribute(Kind.TENSOR, 0, 0, null, v, null, null, null, null);
  }

  public static Attribute ofInts(long... v) {
    return new Attribute(Kind.INTS, 0, 0, null, null, v.clone(), null, null, null);
  }

  public static Attribute ofFloats(float... v) {
    return new Attribute(Kind.FLOATS, 0, 0, null, null, null, v.clone(), null, null);
  }

  public static Attribute ofStrings(List<String> v) {
    return new Attribute(Kind.STRINGS, 0, 0, null, null, null, null, List.copyOf(v), null);
  }

  /** An attribute kept verbatim (its protobuf message), for kinds bocomp does not interpret. */
  public static Attribute opaque(Object protoMessage) {
    return new Attribute(Kind.OPAQUE, 0, 0, null, null, null, null, null, protoMessage);
  }

  public Kind kind() {
    return kind;
  }

  public long asInt() {
    expect(Kind.INT);
    return i;
  }

  public float asFloat() {
    if (kind == Kind.INT) {
      return i;
    }
    expect(Kind.FLOAT);
    return f;
  }

  public String asString() {
    expect(Kind.STRING);
    return s;
  }

  public Tensor asTensor() {
    expect(Kind.TENSOR);
    return t;
  }

  public long[] asInts() {
    expect(Kind.INTS);
    return ints.clone();
  }

  public float[] asFloats() {
    expect(Kind.FLOATS);
    return floats.clone();
  }

  public List<String> asStrings() {
    expect(Kind.STRINGS);
    return strings;
  }

  public Object opaqueValue() {
    expect(Kind.OPAQUE);
    return opaque;
  }

  private void expect(Kind k) {
    if (kind != k) {
      throw new ModelFormatException("attribute is " + kind + ", expected " + k);
    }
  }

  @Override
  public String toString() {
    switch (kind) {
      case INT: return Long.toString(i);
      case FLOAT: return Float.toString(f);
      case STRING: return '"' + s + '"';
      case TENSOR: return t.toString();
      case INTS: return Arrays.toString(ints);
      case FLOATS: return Arrays.toString(floats);
      case STRINGS: return strings.toString();
      default: return "<opaque>";
    }
  }
}

package io.bocomp.model;

import io.bocomp.model.onnx.Onnx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator application in a {@link Graph}. Immutable. Inputs are value names; an empty string
 * stands for an omitted optional input, as in ONNX. {@link #origin()} keeps the protobuf message the
 * node was read from (or null for nodes bocomp created) so fields bocomp does not model survive an
 * export.
 */
public final class Node {
  private final String name;
  private final String opType;
  private final String domain;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, Attribute> attributes;
  private final Onnx.NodeProto origin;

  private Node(Builder b) {
    this.name = b.name;
    this.opType = b.opType;
    this.domain = b.domain == null ? "" : b.domain;
    this.inputs = List.copyOf(b.inputs);
    this.outputs = List.copyOf(b.outputs);
    this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
    this.origin = b.origin;
  }

  public static Builder builder(String opType) {
    return new Builder(opType);
  }

  public Builder toBuilder() {
    Builder b = new Builder(opType).name(name).domain(domain).origin(origin);
    b.inputs.addAll(inputs);
    b.outputs.addAll(outputs);
    b.attributes.putAll(attributes);
    return b;
  }

  public String name() {
    return name;
  }

  public String opType() {
    return opType;
  }

  /** The operator-set domain; "" for the default ONNX domain. */
  public String domain() {
    return domain;
  }

  public List<String> inputs() {
    return inputs;
  }

  public List<String> outputs() {
    return outputs;
  }

  /** The i-th input name, or "" if absent (optional input left out). */
  public String input(int i) {
    return i < inputs.size() ? inputs.get(i) : "";
  }

  public String output(int i) {
    return outputs.get(i);
  }

  public Map<String, Attribute> attributes() {
    return attributes;
  }

  public Attribute attribute(String key) {
    return attributes.get(key);
  }

  public boolean hasAttribute(String key) {
    return attributes.containsKey(key);
  }

  public long intAttr(String key, long dflt) {
    Attribute a = attributes.get(key);
    return a == null ? dflt : a.asInt();
  }

  public float floatAttr(String key, float dflt) {
    Attribute a = attributes.get(key);
    return a == null ? dflt : a.asFloat();
  }

  public String stringAttr(String key, String dflt) {
    Attribute a = attributes.get(key);
    return a == null ? dflt : a.asString();
  }

  /** An INTS attribute, or {@code dflt} (may be null) when absent. */
  public long[] intsAttr(String key, long[] dflt) {
    Attribute a = attributes.get(key);
    return a == null ? dflt : a.asInts();
  }

  public Onnx.NodeProto origin() {
    return origin;
  }

  /** "Conv 'conv1'" style label for messages. */
  public String label() {
    return opType + " node '" + name + "'";
  }

  @Override
  public String toString() {
    return label() + " " + inputs + " -> " + outputs + " " + attributes;
  }

  /** Builder for {@link Node}. */
  public static final class Builder {
    private String name = "";
    private final String opType;
    private String domain = "";
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private final Map<String, Attribute> attributes = new LinkedHashMap<>();
    private Onnx.NodeProto origin;

    private Builder(String opType) {
      this.opType = opType;
    }

    public Builder name(String n) {
      this.name = n == null ? "" : n;
      return this;
    }

    public Builder domain(String d) {
      this.domain = d;
      return this;
    }

    public Builder inputs(String... names) {
      inputs.clear();
      inputs.addAll(List.of(names));
      return this;
    }

    public Builder inputs(List<String> names) {
      inputs.clear();
      inputs.addAll(names);
      return this;
    }

    public Builder outputs(String... names) {
      outputs.clear();
      outputs.addAll(List.of(names));
      return this;
    }

    public Builder outputs(List<String> names) {
      outputs.clear();
      outputs.addAll(names);
      return this;
    }

    public Builder attr(String key, Attribute a) {
      attributes.put(key, a);
      return this;
    }

    public Builder attr(String key, long v) {
      return attr(key, Attribute.ofInt(v));
    }

    public Builder attr(String key, float v) {
      return attr(key, Attribute.ofFloat(v));
    }

    public Builder attr(String key, String v) {
      return attr(key, Attribute.ofString(v));
    }

    public Builder attr(String key, long... v) {
      return attr(key, Attribute.ofInts(v));
    }

    public Builder removeAttr(String key) {
      attributes.remove(key);
      return this;
    }

    /** The protobuf message to carry unknown fields from; null for a new node. */
    public Builder origin(Onnx.NodeProto o) {
      this.origin = o;
      return this;
    }

    public Node build() {
      if (opType == null || opType.isEmpty()) {
        throw new ModelFormatException("node '" + name + "' has no op_type");
      }
      return new Node(this);
    }
  }
}

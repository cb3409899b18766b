package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.model.Attribute;
import io.bocomp.model.ElemType;
import io.bocomp.model.Graph;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.OrtReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A multi-node test graph with typed outputs: float graph inputs fed with seeded data (or given
 * values), initializers of any element type, nodes with attributes, and outputs declared with
 * their ONNX element type. {@link #ort()} runs it in ONNX Runtime and reads every output back
 * whatever its type (int8 ... uint64 and bool as int64 tensors; float16, bfloat16 and double as
 * float32), which {@link io.bocomp.testing.OrtReference} (float and int64 only) does not. Built
 * fluently: {@code GraphCase.of("mask", 13).input("x", 2, 3).node("Greater", "x,z", "y")
 * .output("y", ElemType.BOOL)}.
 */
final class GraphCase {

  final String label;
  final long opset;
  private final Graph.Builder g = Graph.builder();
  final Map<String, Tensor> feeds = new LinkedHashMap<>();
  final List<String> outputs = new ArrayList<>();
  final Map<String, Integer> types = new LinkedHashMap<>();
  private final List<Node.Builder> nodes = new ArrayList<>();
  boolean exact;
  String lastNode;
  String lastOutput;
  private long seed;

  private GraphCase(String label, long opset) {
    this.label = label;
    this.opset = opset;
    this.seed = label.hashCode();
  }

  static GraphCase of(String label, long opset) {
    return new GraphCase(label, opset);
  }

  GraphCase input(String name, int... shape) {
    return input(name, Parity.random(seed++, shape));
  }

  GraphCase input(String name, Tensor value) {
    feeds.put(name, value);
    g.input(new ValueInfo(name, ElemType.FLOAT, value.shape(), null));
    return this;
  }

  GraphCase init(String name, Tensor value) {
    g.initializer(name, value);
    return this;
  }

  /** A node named "node_" + its output; attributes as key, value pairs. */
  GraphCase node(String op, String inputs, String output, Object... attrs) {
    Node.Builder b = Node.builder(op).name("node_" + output).inputs(inputs.split(","))
        .outputs(output);
    for (int i = 0; i < attrs.length; i += 2) {
      String key = (String) attrs[i];
      Object v = attrs[i + 1];
      if (v instanceof Long) {
        b.attr(key, (long) (Long) v);
      } else if (v instanceof Float) {
        b.attr(key, (float) (Float) v);
      } else if (v instanceof String) {
        b.attr(key, (String) v);
      } else if (v instanceof long[]) {
        b.attr(key, Attribute.ofInts((long[]) v));
      } else {
        b.attr(key, Attribute.ofTensor((Tensor) v));
      }
    }
    nodes.add(b);
    lastNode = "node_" + output;
    lastOutput = output;
    return this;
  }

  /** Adds an attribute to the last node. */
  GraphCase attr(String key, long v) {
    nodes.get(nodes.size() - 1).attr(key, v);
    return this;
  }

  GraphCase output(String name, int type) {
    outputs.add(name);
    types.put(name, type);
    return this;
  }

  /** Compare float outputs bit for bit. */
  GraphCase exact() {
    this.exact = true;
    return this;
  }

  Graph graph() {
    Graph.Builder b = g.name(label.replaceAll("[^A-Za-z0-9]", "_"));
    for (Node.Builder n : nodes) {
      b.addNode(n.build());
    }
    for (String o : outputs) {
      b.output(new ValueInfo(o, types.get(o), null, null));
    }
    return b.build();
  }

  @Override
  public String toString() {
    return label + " (opset " + opset + ")";
  }

  /** Runs the graph in ONNX Runtime and reads back each output whatever its element type. */
  Map<String, Tensor> ort() {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      o.setIntraOpNumThreads(1);
      o.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      try (OrtSession s = env.createSession(OrtReference.toOnnx(graph(), opset), o)) {
        for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
          long[] shape = Arrays.stream(e.getValue().shape()).asLongStream().toArray();
          in.put(e.getKey(), OnnxTensor.createTensor(env, e.getValue().data(), shape));
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (OrtSession.Result r = s.run(in, new LinkedHashSet<>(outputs))) {
          for (String name : outputs) {
            out.put(name, decode((OnnxTensor) r.get(name).orElseThrow(), types.get(name)));
          }
        }
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalStateException(this + ": ONNX Runtime: " + e.getMessage(), e);
    } finally {
      in.values().forEach(OnnxValue::close);
    }
  }

  /**
   * An ONNX Runtime tensor of the given ONNX type (the graph output's declared one, which ONNX
   * Runtime checks) as a float32 tensor (floating types) or an int64 one (the rest).
   */
  private static Tensor decode(OnnxTensor t, int type) {
    int[] shape = Arrays.stream(t.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
    int n = Tensor.checkedSize(shape);
    ByteBuffer b = t.getByteBuffer().order(ByteOrder.nativeOrder());
    if (ElemType.isFloating(type)) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        switch (type) {
          case ElemType.FLOAT: v[i] = b.getFloat(4 * i); break;
          case ElemType.DOUBLE: v[i] = (float) b.getDouble(8 * i); break;
          case ElemType.FLOAT16: v[i] = half(b.getShort(2 * i) & 0xFFFF); break;
          default: v[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16); break;
        }
      }
      return Tensor.of(shape, v);
    }
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      switch (type) {
        case ElemType.INT8: v[i] = b.get(i); break;
        case ElemType.UINT8: v[i] = b.get(i) & 0xFF; break;
        case ElemType.BOOL: v[i] = b.get(i) != 0 ? 1 : 0; break;
        case ElemType.INT16: v[i] = b.getShort(2 * i); break;
        case ElemType.UINT16: v[i] = b.getShort(2 * i) & 0xFFFF; break;
        case ElemType.INT32: v[i] = b.getInt(4 * i); break;
        case ElemType.UINT32: v[i] = b.getInt(4 * i) & 0xFFFFFFFFL; break;
        case ElemType.INT64: case ElemType.UINT64: v[i] = b.getLong(8 * i); break;
        default: throw new IllegalStateException("ONNX Runtime output of type " + type);
      }
    }
    return Tensor.ofLongs(shape, v).withElemType(type);
  }

  /** The float value of float16 bits (decoded independently of the kernel under test). */
  static float half(int bits) {
    int sign = (bits >> 15) & 1;
    int exp = (bits >> 10) & 0x1F;
    int mant = bits & 0x3FF;
    float mag;
    if (exp == 0x1F) {
      mag = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else if (exp == 0) {
      mag = mant * 0x1p-24f;
    } else {
      mag = (1f + mant / 1024f) * (float) Math.pow(2, exp - 15);
    }
    return sign == 1 ? -mag : mag;
  }

  /**
   * Runs the case twice on {@code backend} and checks every output against ONNX Runtime's: integer
   * and bool outputs exactly (as int64 with their element type), {@link #exact} float outputs bit
   * for bit, other float outputs within {@code 1e-4 * max|ORT output|}.
   */
  void assertMatchesOnnxRuntime(CpuBackend backend) {
    Map<String, Tensor> expected = ort();
    try (Executable e = backend.compile(graph(), opset)) {
      for (int run = 0; run < 2; run++) {
        Map<String, Tensor> actual = e.run(feeds, outputs);
        for (String o : outputs) {
          String what = this + " output " + o + (run > 0 ? " (second run)" : "");
          compare(what, types.get(o), exact, expected.get(o), actual.get(o));
        }
      }
    }
  }

  private static void compare(String what, int type, boolean exact, Tensor expected,
      Tensor actual) {
    assertThat(actual.shape()).as(what + ": shape").containsExactly(expected.shape());
    if (ElemType.isInteger(type)) {
      assertThat(actual.isFloat()).as(what + ": integer output comes back as int64").isFalse();
      assertThat(actual.elemType()).as(what + ": element type").isEqualTo(type);
      assertThat(actual.toLongArray()).as(what).containsExactly(expected.toLongArray());
    } else if (exact) {
      float[] a = actual.toFloatArray();
      float[] x = expected.toFloatArray();
      for (int i = 0; i < x.length; i++) {
        assertThat(Float.floatToIntBits(a[i])).as(what + " element " + i + ": " + a[i]
            + " vs ONNX Runtime " + x[i]).isEqualTo(Float.floatToIntBits(x[i]));
      }
    } else {
      Parity.assertClose(what, expected, actual);
    }
  }

  /** The last node is refused as unsupported, naming it, at import and on {@code backend}. */
  void assertUnsupported(CpuBackend backend, String message) {
    assertRefused(backend, UnsupportedOperatorException.class, message);
  }

  /** The last node is refused as malformed, naming it, at import and on {@code backend}. */
  void assertMalformed(CpuBackend backend, String message) {
    assertRefused(backend, ModelFormatException.class, message);
  }

  private void assertRefused(CpuBackend backend, Class<? extends Exception> type,
      String message) {
    Graph gr = output(lastOutput, ElemType.FLOAT).graph();
    assertThatThrownBy(() -> ShapeInference.infer(gr, 13)).as(label).isInstanceOf(type)
        .hasMessageContaining("'" + lastNode + "'").hasMessageContaining(message);
    assertThatThrownBy(() -> {
      try (Executable e = backend.compile(gr, 13)) {
        e.run(feeds, List.of(lastOutput));
      }
    }).as(label + " on the CPU").isInstanceOf(type)
        .hasMessageContaining("'" + lastNode + "'");
  }
}

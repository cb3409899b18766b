package io.bocomp.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime (Java, CPU) as the reference implementation in tests: loads serialized ONNX bytes
 * and runs them on bocomp {@link Tensor}s. Graph optimizations are off (ORT's own BN fusion and
 * constant folding would otherwise blur what is being compared) and one intra-op thread is used,
 * so results are deterministic.
 *
 * <p>In-memory {@link Graph}s are serialized by the real exporter ({@link OnnxExporter}) under a
 * chosen default-domain opset ({@link #toOnnx}), so engine tests can compare a graph written for
 * opset 11 or 13 with what ONNX Runtime makes of it. Feeds and outputs may be float32 or int64.
 */
public final class OrtReference implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  /** A session for the model; throws if ONNX Runtime rejects it. */
  public OrtReference(byte[] onnxModel) {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      o.setIntraOpNumThreads(1);
      o.setInterOpNumThreads(1);
      o.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      session = env.createSession(onnxModel, o);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime rejected the model: " + e.getMessage(), e);
    }
  }

  /**
   * The graph as ONNX bytes with the given default-domain opset and the oldest IR version that
   * opset allows (ONNX Runtime rejects an IR version older than its opset needs).
   */
  public static byte[] toOnnx(Graph g, long opset) {
    long ir = opset <= 12 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
    return OnnxExporter.toBytes(new Model(g, ir, Map.of("", opset), "bocomp-test", null));
  }

  /** Runs a graph (written for {@code opset}) in ONNX Runtime and returns the named outputs. */
  public static Map<String, Tensor> run(Graph g, long opset, Map<String, Tensor> feeds,
      List<String> outputs) {
    try (OrtReference ort = new OrtReference(toOnnx(g, opset))) {
      return ort.run(feeds, outputs);
    }
  }

  /** Runs a graph (written for {@code opset}) on one input and returns its first output. */
  public static Tensor run(Graph g, long opset, Tensor input) {
    String in = g.inputs().get(0).name();
    String out = g.outputs().get(0).name();
    return run(g, opset, Map.of(in, input), List.of(out)).get(out);
  }

  /** Runs the model on float32 or int64 feeds; returns the named outputs, in the order asked. */
  public Map<String, Tensor> run(Map<String, Tensor> feeds, List<String> outputs) {
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
        in.put(e.getKey(), toOnnxTensor(e.getValue()));
      }
      Map<String, Tensor> result = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(in, new LinkedHashSet<>(outputs))) {
        for (String name : outputs) {
          result.put(name, toTensor((OnnxTensor) r.get(name).orElseThrow()));
        }
      }
      return result;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
    } finally {
      in.values().forEach(OnnxValue::close);
    }
  }

  /** Runs the model on one float input; returns every output, in graph order, as float32. */
  public List<Tensor> run(Tensor input) {
    String name = session.getInputNames().iterator().next();
    try (OnnxTensor in = toOnnxTensor(input);
        OrtSession.Result r = session.run(Map.of(name, in))) {
      List<Tensor> outs = new ArrayList<>();
      for (Map.Entry<String, OnnxValue> e : r) {
        outs.add(toTensor((OnnxTensor) e.getValue()));
      }
      return outs;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
    }
  }

  private OnnxTensor toOnnxTensor(Tensor t) throws OrtException {
    long[] shape = new long[t.rank()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.dim(i);
    }
    return t.isFloat() ? OnnxTensor.createTensor(env, t.data(), shape)
        : OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), shape);
  }

  private static Tensor toTensor(OnnxTensor t) throws OrtException {
    long[] s = t.getInfo().getShape();
    int[] dims = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      dims[i] = Math.toIntExact(s[i]);
    }
    if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64) {
      LongBuffer lb = t.getLongBuffer();
      long[] v = new long[lb.remaining()];
      lb.get(v);
      return Tensor.ofLongs(dims, v);
    }
    FloatBuffer fb = t.getFloatBuffer();
    float[] v = new float[fb.remaining()];
    fb.get(v);
    return Tensor.of(dims, v);
  }

  /** Runs the model and returns its first output. */
  public Tensor runFirst(Tensor input) {
    return run(input).get(0);
  }

  /**
   * max |actual - expected| / max |expected| over all elements: the parity measure used in tests
   * (1e-4 for the engine, 1e-5 for graph rewrites). Shapes must match.
   */
  public static double relativeDifference(Tensor actual, Tensor expected) {
    if (!Arrays.equals(actual.shape(), expected.shape())) {
      throw new AssertionError("shape " + Arrays.toString(actual.shape()) + " != expected "
          + Arrays.toString(expected.shape()));
    }
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < expected.size(); i++) {
      diff = Math.max(diff, Math.abs((double) actual.get(i) - expected.get(i)));
      scale = Math.max(scale, Math.abs((double) expected.get(i)));
    }
    return scale == 0 ? diff : diff / scale;
  }

  /**
   * Runs two models on the same random input (axis 0 = {@code batch}) and returns the largest
   * {@link #relativeDifference} over their outputs.
   */
  public static double compare(Model actual, Model expected,
      int batch, long seed) {
    Tensor in = TestNets.randomInput(expected, batch, seed);
    try (OrtReference a = new OrtReference(OnnxExporter.toBytes(actual));
        OrtReference e = new OrtReference(OnnxExporter.toBytes(expected))) {
      List<Tensor> outA = a.run(in);
      List<Tensor> outE = e.run(in);
      if (outA.size() != outE.size()) {
        throw new AssertionError(outA.size() + " outputs, expected " + outE.size());
      }
      double worst = 0;
      for (int i = 0; i < outE.size(); i++) {
        worst = Math.max(worst, relativeDifference(outA.get(i), outE.get(i)));
      }
      return worst;
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}

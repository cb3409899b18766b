package io.bocomp.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime (Java, CPU) as the reference implementation in tests: loads serialized ONNX bytes
 * and runs them on bocomp {@link Tensor}s. Graph optimizations are off (ORT's own BN fusion and
 * constant folding would otherwise blur what is being compared) and one intra-op thread is used,
 * so results are deterministic.
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

  /** Runs the model on one float input; returns every output, in graph order, as float32. */
  public List<Tensor> run(Tensor input) {
    String name = session.getInputNames().iterator().next();
    long[] shape = new long[input.rank()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = input.dim(i);
    }
    try (OnnxTensor in = OnnxTensor.createTensor(env, input.data(), shape);
        OrtSession.Result r = session.run(Map.of(name, in))) {
      List<Tensor> outs = new ArrayList<>();
      for (Map.Entry<String, OnnxValue> e : r) {
        OnnxTensor t = (OnnxTensor) e.getValue();
        long[] s = t.getInfo().getShape();
        int[] dims = new int[s.length];
        for (int i = 0; i < s.length; i++) {
          dims[i] = Math.toIntExact(s[i]);
        }
        FloatBuffer fb = t.getFloatBuffer();
        float[] v = new float[fb.remaining()];
        fb.get(v);
        outs.add(Tensor.of(dims, v));
      }
      return outs;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
    }
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

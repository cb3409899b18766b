package io.bocomp.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
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

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}

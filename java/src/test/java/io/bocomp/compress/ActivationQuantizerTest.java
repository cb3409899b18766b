package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.Onnx;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.OrtReference;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static int8 activation quantization of the embedded default model, checked against ONNX
 * Runtime: its graph optimizer turns the QDQ form into integer kernels (QLinearConv for every
 * convolution), the fused model's outputs stay close to the float model's, and bocomp's engine
 * computes what ONNX Runtime computes for the unfused QDQ graph.
 */
class ActivationQuantizerTest {
  @TempDir Path dir;

  @Test
  void ortFusesTheQdqExportIntoIntegerKernelsAndItsOutputsStayClose() throws Exception {
    Model m = ModelLoader.loadDefault();
    Dataset sample = ModelLoader.defaultSample();
    Dataset calib = sample.head(100);
    Dataset test = sample.select(range(1000, 1200));
    ActivationQuantizer.Result r;
    try (CpuBackend b = new CpuBackend(2)) {
      r = ActivationQuantizer.quantize(m, b, calib, 100,
          ActivationQuantizer.Calibration.MINMAX, 0.9999);
    }
    // 5 convs + 3 FC layers, each with 8-bit input and weights; logits stay float
    assertThat(r.integerLayers()).isEqualTo(8);
    long q = r.graph().nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")).count();
    assertThat(q).isEqualTo(r.activations()).isGreaterThanOrEqualTo(8);
    for (Node n : r.graph().nodes()) {
      if (n.opType().equals("Conv")) {
        assertThat(n.inputs()).allMatch(i -> r.graph().producer(i).isPresent()); // all DQ'd
      }
    }
    Model qm = m.withGraph(r.graph());
    byte[] bytes = OnnxExporter.toBytes(qm);

    // ORT with its default optimizations: the QDQ groups become integer kernels
    Path optimized = dir.resolve("optimized.onnx");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] fused;
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      o.setOptimizedModelFilePath(optimized.toString());
      try (OrtSession s = env.createSession(bytes, o)) {
        fused = run(env, s, test.images());
      }
    }
    Set<String> ops = new HashSet<>();
    for (Onnx.NodeProto n : Onnx.ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph()
        .getNodeList()) {
      ops.add(n.getOpType());
    }
    assertThat(ops).contains("QLinearConv").doesNotContain("Conv");

    float[] ref;
    try (OrtReference orig = new OrtReference(OnnxExporter.toBytes(m))) {
      ref = orig.runFirst(test.images()).toFloatArray();
    }
    double dist = 0;
    double norm = 0;
    int agree = 0;
    int n = test.size();
    int c = ref.length / n;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < c; k++) {
        double d = fused[i * c + k] - ref[i * c + k];
        dist += d * d;
        norm += ref[i * c + k] * (double) ref[i * c + k];
      }
      agree += argmax(fused, i, c) == argmax(ref, i, c) ? 1 : 0;
    }
    assertThat(dist / norm).as("relative squared distance").isLessThan(0.01);
    assertThat(agree).as("top-1 agreement of 200 images").isGreaterThanOrEqualTo(194);

    // bocomp's engine on the re-imported file equals ORT's unfused QDQ arithmetic
    Model back = ModelLoader.load(bytes, "qdq.onnx");
    Tensor ours;
    try (CpuBackend b = new CpuBackend(2); Executable e = b.compile(back)) {
      ours = e.run(test.images());
    }
    Tensor theirs;
    try (OrtReference ort = new OrtReference(bytes)) {
      theirs = ort.runFirst(test.images());
    }
    float[] a = ours.toFloatArray();
    float[] t = theirs.toFloatArray();
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff += (a[i] - t[i]) * (double) (a[i] - t[i]);
    }
    assertThat(diff / norm).as("bocomp vs ORT on the QDQ graph").isLessThan(1e-3);
  }

  @Test
  void percentileCalibrationNarrowsTheRangeOfEveryTensor() {
    Model m = ModelLoader.loadDefault();
    Dataset calib = ModelLoader.defaultSample().head(50);
    ActivationQuantizer.Result mm;
    ActivationQuantizer.Result pc;
    try (CpuBackend b = new CpuBackend(2)) {
      mm = ActivationQuantizer.quantize(m, b, calib, 50, ActivationQuantizer.Calibration.MINMAX,
          0.9999);
      pc = ActivationQuantizer.quantize(m, b, calib, 50,
          ActivationQuantizer.Calibration.PERCENTILE, 0.99);
    }
    Map<String, Tensor> a = mm.graph().initializers();
    Map<String, Tensor> p = pc.graph().initializers();
    int narrower = 0;
    int scales = 0;
    for (String k : a.keySet()) {
      if (k.endsWith("_act_scale")) {
        scales++;
        assertThat(p.get(k).get(0)).isLessThanOrEqualTo(a.get(k).get(0));
        narrower += p.get(k).get(0) < a.get(k).get(0) ? 1 : 0;
      }
    }
    assertThat(scales).isEqualTo(mm.activations());
    assertThat(narrower).isGreaterThan(scales / 2);
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  private static int argmax(float[] v, int row, int c) {
    int best = 0;
    for (int k = 1; k < c; k++) {
      if (v[row * c + k] > v[row * c + best]) {
        best = k;
      }
    }
    return best;
  }

  private static float[] run(OrtEnvironment env, OrtSession s, Tensor x) throws Exception {
    long[] shape = new long[x.rank()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = x.dim(i);
    }
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), shape);
        OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] v = new float[fb.remaining()];
      fb.get(v);
      return v;
    }
  }
}

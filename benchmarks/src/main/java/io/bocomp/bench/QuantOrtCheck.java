package io.bocomp.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.ModelLoader;
import io.bocomp.data.Idx;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.Onnx;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ONNX Runtime check of the quantization results (docs/results.md, "Quantization"): every
 * model that {@code benchmarks/quant/run-quant-experiment.sh} exported is run in ONNX Runtime
 * (Java, CPU, default graph optimizations, which fold the weights' {@code DequantizeLinear}),
 * next to the original model, and compared with what bocomp reported.
 *
 * <p>For each sub-folder of the experiment folder holding {@code compressed.onnx}:
 * <ul>
 *   <li>weight bytes: the sum of the file's initializer payloads (raw data, or typed fields times
 *       their element size) against the bytes in its {@code result.json} (tune) or
 *       {@code compress.json} (compress); must agree within 1%, except for {@code compress
 *       --activations int8} files, whose reported bytes are the plan's (listed, not checked);</li>
 *   <li>tuning distance (tune runs): mean over the run's sampled inputs (the journal header's
 *       indices into the embedded 2,000-image sample) of ||f~(x) - f(x)||^2 in ORT, against
 *       {@code result.json}'s distance; within 2%;</li>
 *   <li>held-out distance: the same over the held-out images, against the {@code bocomp eval
 *       --reference} figure in {@code eval.json} (and {@code compress.json}'s, which is over the
 *       same images); within 2%. Held-out top-1 in ORT is reported beside it.</li>
 * </ul>
 *
 * <p>Limits: the fixed input shape of the default model ([N, 1, 28, 28], pixels scaled to [0, 1]
 * as {@link Idx} reads them); no preprocessing options. A distance that is 0 in bocomp passes
 * only if ORT's is within 1e-6 too.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * io.bocomp.bench.QuantOrtCheck EXPERIMENT_DIR} (after the script); prints one line per model and
 * writes {@code ort-check.json} to EXPERIMENT_DIR; exit status 1 if any model misses a tolerance.
 */
public final class QuantOrtCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 500;

  private QuantOrtCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: QuantOrtCheck EXPERIMENT_DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Path heldDir = dir.resolve("heldout");
    Tensor held = Idx.readImages(heldDir.resolve("fashion-heldout-images.idx.gz"), 0);
    int[] heldLabels = Idx.readLabels(heldDir.resolve("fashion-heldout-labels.idx.gz"), 0);
    Tensor sample = ModelLoader.defaultSample().images();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] refHeld;
    float[] refSample;
    try (OrtSession orig = session(env, ModelLoader.defaultModelBytes())) {
      refHeld = run(env, orig, held);
      refSample = run(env, orig, sample);
    }
    List<Path> runs;
    try (Stream<Path> s = Files.list(dir)) {
      runs = s.filter(p -> Files.isRegularFile(p.resolve("compressed.onnx"))).sorted().toList();
    }
    ArrayNode rows = JSON.createArrayNode();
    boolean allOk = true;
    for (Path run : runs) {
      ObjectNode row = check(env, run, held, heldLabels, refHeld, sample, refSample);
      rows.add(row);
      allOk &= row.path("ok").asBoolean();
      System.out.println(line(row));
    }
    ObjectNode doc = JSON.createObjectNode();
    doc.put("ort_version", OrtEnvironment.getEnvironment().getVersion());
    doc.put("heldout_images", held.dim(0));
    doc.set("models", rows);
    Files.writeString(dir.resolve("ort-check.json"), JSON.writerWithDefaultPrettyPrinter()
        .writeValueAsString(doc));
    System.out.println(allOk ? "all models within tolerance" : "SOME MODELS MISS A TOLERANCE");
    System.exit(allOk ? 0 : 1);
  }

  private static ObjectNode check(OrtEnvironment env, Path run, Tensor held, int[] heldLabels,
      float[] refHeld, Tensor sample, float[] refSample) throws Exception {
    ObjectNode row = JSON.createObjectNode();
    row.put("name", run.getFileName().toString());
    byte[] bytes = Files.readAllBytes(run.resolve("compressed.onnx"));
    long fileWeightBytes = initializerBytes(bytes);
    JsonNode report = Files.exists(run.resolve("result.json")) ? read(run.resolve("result.json"))
        : read(run.resolve("compress.json"));
    long reportedBytes = report.path("bytes").path("compressed").asLong();
    row.put("file_weight_bytes", fileWeightBytes);
    row.put("reported_bytes", reportedBytes);
    double bytesErr = Math.abs(fileWeightBytes - reportedBytes) / (double) reportedBytes;
    row.put("bytes_rel_error", bytesErr);
    // compress --activations int8 stores float weights as int8 and biases as int32: its
    // reported bytes are the plan's, not the file's, so only the distance is checked
    boolean activations = report.has("activations");
    row.put("activations_int8", activations);
    boolean ok = activations || bytesErr <= 0.01;
    try (OrtSession s = session(env, bytes)) {
      float[] outHeld = run(env, s, held);
      double heldL = distance(outHeld, refHeld, held.dim(0));
      row.put("ort_heldout_L", heldL);
      row.put("ort_heldout_top1", top1(outHeld, heldLabels));
      double bocompHeld = read(run.resolve("eval.json")).path("reference").path("distance")
          .path("mean").asDouble();
      row.put("bocomp_heldout_L", bocompHeld);
      ok &= close(heldL, bocompHeld, row, "heldout_L_rel_error");
      if (Files.exists(run.resolve("result.json"))) {
        int[] idx = sampleIndices(run.resolve("journal.jsonl"));
        Tensor x = select(sample, idx);
        float[] ref = select(refSample, idx, refSample.length / sample.dim(0));
        double tuneL = distance(run(env, s, x), ref, idx.length);
        row.put("ort_tuning_L", tuneL);
        row.put("reported_tuning_L", report.path("distance").path("mean").asDouble());
        ok &= close(tuneL, report.path("distance").path("mean").asDouble(), row,
            "tuning_L_rel_error");
      }
    }
    row.put("ok", ok);
    return row;
  }

  private static boolean close(double ort, double reported, ObjectNode row, String key) {
    double err = Math.abs(ort - reported) / Math.max(Math.abs(reported), 1e-300);
    row.put(key, err);
    return reported == 0 ? Math.abs(ort) <= 1e-6 : err <= 0.02;
  }

  private static String line(JsonNode r) {
    return String.format(Locale.ROOT,
        "%-22s bytes file %8d reported %8d (%.4f%%)  heldout L ort %.6g bocomp %.6g (%.4f%%)%s  "
            + "top-1 ort %.4f  %s",
        r.path("name").asText(), r.path("file_weight_bytes").asLong(),
        r.path("reported_bytes").asLong(), 100 * r.path("bytes_rel_error").asDouble(),
        r.path("ort_heldout_L").asDouble(), r.path("bocomp_heldout_L").asDouble(),
        100 * r.path("heldout_L_rel_error").asDouble(),
        r.has("ort_tuning_L") ? String.format(Locale.ROOT, "  tuning L ort %.6g reported %.6g (%.4f%%)",
            r.path("ort_tuning_L").asDouble(), r.path("reported_tuning_L").asDouble(),
            100 * r.path("tuning_L_rel_error").asDouble()) : "",
        r.path("ort_heldout_top1").asDouble(), r.path("ok").asBoolean() ? "ok" : "MISS");
  }

  /** Bytes of every initializer's payload, as stored in the file. */
  static long initializerBytes(byte[] onnx) throws IOException {
    long sum = 0;
    for (Onnx.TensorProto t : Onnx.ModelProto.parseFrom(onnx).getGraph().getInitializerList()) {
      sum += t.getRawData().size() + 4L * (t.getFloatDataCount() + t.getInt32DataCount())
          + 8L * (t.getInt64DataCount() + t.getDoubleDataCount() + t.getUint64DataCount());
    }
    return sum;
  }

  private static int[] sampleIndices(Path journal) throws IOException {
    JsonNode header = JSON.readTree(Files.readAllLines(journal).get(0));
    JsonNode a = header.path("samples").path("indices");
    int[] idx = new int[a.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = a.get(i).asInt();
    }
    return idx;
  }

  private static Tensor select(Tensor x, int[] idx) {
    int per = x.size() / x.dim(0);
    float[] all = x.toFloatArray();
    float[] out = new float[idx.length * per];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(all, idx[i] * per, out, i * per, per);
    }
    int[] shape = x.shape().clone();
    shape[0] = idx.length;
    return Tensor.of(shape, out);
  }

  private static float[] select(float[] rows, int[] idx, int per) {
    float[] out = new float[idx.length * per];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(rows, idx[i] * per, out, i * per, per);
    }
    return out;
  }

  private static double distance(float[] out, float[] ref, int n) {
    double sum = 0;
    for (int i = 0; i < out.length; i++) {
      double d = out[i] - ref[i];
      sum += d * d;
    }
    return sum / n;
  }

  private static double top1(float[] out, int[] labels) {
    int c = out.length / labels.length;
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int k = 1; k < c; k++) {
        if (out[i * c + k] > out[i * c + best]) {
          best = k;
        }
      }
      right += best == labels[i] ? 1 : 0;
    }
    return right / (double) labels.length;
  }

  private static JsonNode read(Path p) throws IOException {
    return JSON.readTree(Files.readString(p));
  }

  static OrtSession session(OrtEnvironment env, byte[] model) throws OrtException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      o.setInterOpNumThreads(1);
      o.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      return env.createSession(model, o);
    }
  }

  /** The first output over all rows of {@code x}, in batches of {@value #BATCH}. */
  static float[] run(OrtEnvironment env, OrtSession s, Tensor x) throws OrtException {
    String in = s.getInputNames().iterator().next();
    int n = x.dim(0);
    int per = x.size() / n;
    float[] all = x.toFloatArray();
    List<float[]> parts = new ArrayList<>();
    int total = 0;
    for (int from = 0; from < n; from += BATCH) {
      int m = Math.min(BATCH, n - from);
      long[] shape = new long[x.rank()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = x.dim(i);
      }
      shape[0] = m;
      try (OnnxTensor t = OnnxTensor.createTensor(env,
              FloatBuffer.wrap(all, from * per, m * per).slice(), shape);
          OrtSession.Result r = s.run(Map.of(in, t))) {
        FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
        float[] v = new float[fb.remaining()];
        fb.get(v);
        parts.add(v);
        total += v.length;
      }
    }
    float[] out = new float[total];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}

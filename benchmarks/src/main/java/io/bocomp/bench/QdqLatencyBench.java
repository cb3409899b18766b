package io.bocomp.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.bocomp.ModelLoader;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ONNX Runtime latency of exported models against a baseline in the same run: the float model
 * against its activation-quantized export ({@code compress --activations int8}) and any other
 * file given. Each ORT session uses the default graph optimizations (which turn QDQ groups into
 * integer kernels) and a fixed number of intra-op threads. For each batch size the models are
 * timed interleaved, round by round (one round: every model runs {@code inner} batches, timed as
 * a whole), after {@code warmup} untimed rounds; reported are the minimum and median per-batch
 * time of each model and their ratios to the first model (min/min, median/median). The machine
 * slows in bursts (benchmarking.md), so compare ratios, not absolute times.
 *
 * <p>Inputs: the first {@code batch} images of the embedded 2,000-image sample (the default
 * model's input; limit: other models need the same input shape).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * io.bocomp.bench.QdqLatencyBench [--batches 1,50] [--rounds 40] [--inner 20] [--threads 1]
 * BASELINE.onnx OTHER.onnx...}.
 */
public final class QdqLatencyBench {
  private QdqLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int[] batches = {1, 50};
    int rounds = 40;
    int inner = 20;
    int threads = 1;
    int warmup = 5;
    List<Path> models = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--batches" -> batches = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
            .toArray();
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--inner" -> inner = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> models.add(Path.of(args[i]));
      }
    }
    if (models.size() < 2) {
      System.err.println("usage: QdqLatencyBench [--batches 1,50] [--rounds R] [--inner N]"
          + " [--threads T] BASELINE.onnx OTHER.onnx...");
      System.exit(2);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Tensor sample = ModelLoader.defaultSample().images();
    List<OrtSession> sessions = new ArrayList<>();
    for (Path p : models) {
      OrtSession.SessionOptions o = new OrtSession.SessionOptions();
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      sessions.add(env.createSession(Files.readAllBytes(p), o));
    }
    System.out.printf(Locale.ROOT, "ORT %s, %d intra-op thread(s), %d rounds of %d batches%n",
        env.getVersion(), threads, rounds, inner);
    for (int batch : batches) {
      int per = sample.size() / sample.dim(0);
      float[] x = Arrays.copyOf(sample.toFloatArray(), batch * per);
      long[] shape = {batch, sample.dim(1), sample.dim(2), sample.dim(3)};
      double[][] ms = new double[models.size()][rounds];
      try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
        for (int r = -warmup; r < rounds; r++) {
          for (int m = 0; m < models.size(); m++) {
            OrtSession s = sessions.get(m);
            Map<String, OnnxTensor> feed = Map.of(s.getInputNames().iterator().next(), t);
            long t0 = System.nanoTime();
            for (int k = 0; k < inner; k++) {
              try (OrtSession.Result out = s.run(feed)) {
                out.get(0);
              }
            }
            if (r >= 0) {
              ms[m][r] = (System.nanoTime() - t0) / 1e6 / inner;
            }
          }
        }
      }
      double[] min = new double[models.size()];
      double[] med = new double[models.size()];
      for (int m = 0; m < models.size(); m++) {
        double[] v = ms[m].clone();
        Arrays.sort(v);
        min[m] = v[0];
        med[m] = v[v.length / 2];
      }
      for (int m = 0; m < models.size(); m++) {
        System.out.printf(Locale.ROOT,
            "batch %3d  %-50s min %8.3f ms  median %8.3f ms  vs %s: min %.3fx  median %.3fx%n",
            batch, models.get(m), min[m], med[m], models.get(0).getFileName(), min[m] / min[0],
            med[m] / med[0]);
      }
    }
    for (OrtSession s : sessions) {
      s.close();
    }
  }
}

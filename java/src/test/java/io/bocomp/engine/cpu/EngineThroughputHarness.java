package io.bocomp.engine.cpu;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.bocomp.ModelLoader;
import io.bocomp.engine.Parity;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.model.zoo.MobileNetV2;
import io.bocomp.model.zoo.ResNet18;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A throwaway timing harness (not a test, not a benchmark of record: the JMH ForwardBenchmark is)
 * comparing this engine with ONNX Runtime ({@code ORT_ENABLE_ALL}, the same thread count, one
 * inter-op thread) on the networks of ForwardBenchmark, one bocomp and one ORT forward pass
 * alternating so both see the same machine load; prints min and median milliseconds per pass,
 * the largest logit difference and, with {@code profile}, the engine's per-step minimum times.
 *
 * <pre>
 * mvn -B -o -q -P '!cuda' -pl java test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector \
 *     -cp java/target/classes:java/target/test-classes:$(cat java/target/cp.txt) \
 *     io.bocomp.engine.cpu.EngineThroughputHarness default|resnet18|tucker2|mobilenetv2|mobilenet|vit BATCH \
 *     [THREADS] [profile] [SECONDS]
 * </pre>
 */
public final class EngineThroughputHarness {
  private EngineThroughputHarness() {}

  /** The prepared network of ForwardBenchmark's {@code model} parameter. */
  static Model network(String name) {
    switch (name) {
      case "default":
        return ModelLoader.loadDefault();
      case "resnet18":
        return ModelLoader.prepare(ResNet18.build(64, 64, 10, 1));
      case "mobilenetv2":
        return ModelLoader.prepare(MobileNetV2.build(64, 1.0, 10, 1));
      case "tucker2":
        return io.bocomp.model.zoo.Tucker2Default.build();
      case "mobilenet":
      case "vit":
        return ModelLoader.load(java.nio.file.Path.of("models/zoo/" + name + ".onnx"));
      default:
        throw new IllegalArgumentException("unknown net " + name);
    }
  }

  public static void main(String[] args) throws Exception {
    String net = args[0];
    int batch = Integer.parseInt(args[1]);
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    boolean profile = args.length > 3 && args[3].equals("profile");
    double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 10;
    Model m = network(net);
    Graph g = m.graph();
    int[] shape = g.inputs().get(0).shape();
    shape[0] = batch;
    String inName = g.inputs().get(0).name();
    String outName = g.outputs().get(0).name();
    Tensor x = Parity.random(1, shape);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (CpuBackend backend = new CpuBackend(threads);
        CpuExecutable e = (CpuExecutable) backend.compile(g, m.opset());
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(threads);
      opts.setInterOpNumThreads(1);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession s = env.createSession(OnnxExporter.toBytes(m), opts)) {
        long[] ls = Arrays.stream(shape).asLongStream().toArray();
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), ls);
        Map<String, Tensor> feeds = Map.of(inName, x);
        List<String> wanted = List.of(outName);
        float[] ours = e.run(feeds, wanted).get(outName).toFloatArray();
        float[] theirs;
        try (OrtSession.Result r = s.run(Map.of(inName, in))) {
          FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
          theirs = new float[fb.remaining()];
          fb.get(theirs);
        }
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
          scale = Math.max(scale, Math.abs(theirs[i]));
          worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
        }
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmEnd) {
          e.run(feeds, wanted);
          s.run(Map.of(inName, in)).close();
        }
        List<Double> te = new ArrayList<>();
        List<Double> to = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        // one thread: CPU time of this thread (ORT runs on it too), robust to other load
        java.lang.management.ThreadMXBean mx =
            java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpu = threads == 1;
        while (System.nanoTime() < end) {
          long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
          e.run(feeds, wanted);
          long t1 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
          s.run(Map.of(inName, in)).close();
          long t2 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
          te.add((t1 - t0) / 1e6);
          to.add((t2 - t1) / 1e6);
        }
        te.sort(null);
        to.sort(null);
        int n = te.size();
        System.out.printf("%s batch %d, %d threads, %d pairs: bocomp min %.3f / median %.3f ms"
            + " (%.0f img/s), ORT min %.3f / median %.3f ms (%.0f img/s); bocomp/ORT %.2f (min)"
            + " %.2f (median); max |diff| %.2g of max |logit| %.3g%n", net, batch, threads, n,
            te.get(0), te.get(n / 2), batch * 1000 / te.get(n / 2), to.get(0), to.get(n / 2),
            batch * 1000 / to.get(n / 2), to.get(0) / te.get(0), to.get(n / 2) / te.get(n / 2),
            worst, scale);
        in.close();
        if (profile) {
          profile(e, feeds, wanted);
        }
      }
    }
  }

  private static void profile(CpuExecutable e, Map<String, Tensor> feeds, List<String> wanted) {
    Map<String, double[]> best = new LinkedHashMap<>();
    int[] index = new int[1];
    java.lang.management.ThreadMXBean mx =
        java.lang.management.ManagementFactory.getThreadMXBean();
    boolean cpu = e.threads() == 1;
    long[] last = new long[1];
    ExecutionPlan.stepTimer = (node, kernel, nanos) -> {
      String key = String.format("%02d %s", index[0]++, node);
      double[] b = best.computeIfAbsent(key, k -> new double[] {1e9});
      long now = mx.getCurrentThreadCpuTime();
      b[0] = Math.min(b[0], (cpu ? now - last[0] : nanos) / 1e6);
      last[0] = mx.getCurrentThreadCpuTime();
      kernels.put(key, kernel);
    };
    for (int i = 0; i < 50; i++) {
      index[0] = 0;
      last[0] = mx.getCurrentThreadCpuTime();
      e.run(feeds, wanted);
    }
    ExecutionPlan.stepTimer = null;
    double total = 0;
    for (Map.Entry<String, double[]> en : best.entrySet()) {
      System.out.printf("  %-44s %8.3f ms  %s%n", en.getKey(), en.getValue()[0],
          kernels.get(en.getKey()));
      total += en.getValue()[0];
    }
    System.out.printf("  %-44s %8.3f ms%n", "sum of step minimums", total);
    final double sum = total;
    Map<String, double[]> byOp = new java.util.TreeMap<>();
    for (Map.Entry<String, double[]> en : best.entrySet()) {
      String op = en.getKey().split(" ")[1];
      double[] acc = byOp.computeIfAbsent(op, k -> new double[2]);
      acc[0] += en.getValue()[0];
      acc[1]++;
    }
    byOp.entrySet().stream().sorted((p, q) -> Double.compare(q.getValue()[0], p.getValue()[0]))
        .forEach(en -> System.out.printf("  %-24s %8.3f ms %5.1f%% (%d steps)%n", en.getKey(),
            en.getValue()[0], 100 * en.getValue()[0] / sum, (int) en.getValue()[1]));
  }

  private static final Map<String, String> kernels = new LinkedHashMap<>();
}

package io.bocomp.engine.cpu;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.bocomp.engine.Parity;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.testing.MnistNets;
import io.bocomp.testing.OrtReference;
import io.bocomp.testing.TestNets;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A throwaway timing harness (not a test, not a benchmark of record: the JMH ForwardBenchmark is)
 * comparing this engine with ONNX Runtime on the same seeded network and input, runs interleaved
 * so both see the same machine load; prints min and median milliseconds per forward pass and,
 * with {@code profile}, the engine's per-step minimum times.
 *
 * <pre>
 * mvn -B -o -q -P '!cuda' -pl java test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp java/target/classes:java/target/test-classes:$(cat java/target/cp.txt) \
 *     io.bocomp.engine.cpu.EngineThroughputHarness fashion|resnet18-SIZE BATCH [THREADS] [profile]
 * </pre>
 */
public final class EngineThroughputHarness {
  private EngineThroughputHarness() {}

  public static void main(String[] args) throws Exception {
    String net = args[0];
    int batch = Integer.parseInt(args[1]);
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    boolean profile = args.length > 3 && args[3].equals("profile");
    Graph g;
    int[] shape;
    if (net.equals("fashion")) {
      g = MnistNets.fashionCnn(1);
      shape = new int[] {batch, 1, 28, 28};
    } else if (net.startsWith("resnet18-")) {
      int size = Integer.parseInt(net.substring("resnet18-".length()));
      g = TestNets.resnet18(size, 64, TestNets.CLASSES, 1).graph();
      shape = new int[] {batch, 3, size, size};
    } else {
      throw new IllegalArgumentException("unknown net " + net);
    }
    int iters = Math.max(20, 2000 / batch);
    Tensor x = Parity.random(1, shape);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (CpuBackend backend = new CpuBackend(threads);
        CpuExecutable e = (CpuExecutable) backend.compile(g, 14);
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(threads);
      try (OrtSession s = env.createSession(OrtReference.toOnnx(g, 14), opts)) {
        long[] ls = Arrays.stream(shape).asLongStream().toArray();
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), ls);
        for (int i = 0; i < 10; i++) {
          e.run(x);
          s.run(Map.of("x", in)).close();
        }
        double[] te = new double[iters];
        double[] to = new double[iters];
        for (int i = 0; i < iters; i++) {
          long t0 = System.nanoTime();
          e.run(x);
          long t1 = System.nanoTime();
          s.run(Map.of("x", in)).close();
          long t2 = System.nanoTime();
          te[i] = (t1 - t0) / 1e6;
          to[i] = (t2 - t1) / 1e6;
        }
        Arrays.sort(te);
        Arrays.sort(to);
        System.out.printf("%s batch %d, %d threads: bocomp min %.2f / median %.2f ms"
            + " (%.0f img/s), ORT min %.2f / median %.2f ms (%.0f img/s); bocomp/ORT throughput"
            + " %.2f (min) %.2f (median)%n", net, batch, threads, te[0], te[iters / 2],
            batch * 1000 / te[iters / 2], to[0], to[iters / 2], batch * 1000 / to[iters / 2],
            to[0] / te[0], to[iters / 2] / te[iters / 2]);
        in.close();
      }
      if (profile) {
        profile(e, x);
      }
    }
  }

  private static void profile(CpuExecutable e, Tensor x) {
    Map<String, Double> best = new LinkedHashMap<>();
    long[] last = new long[1];
    e.setNodeListener((Node n) -> {
      long t = System.nanoTime();
      best.merge(n.opType() + " " + n.name(), (t - last[0]) / 1e6, Math::min);
      last[0] = t;
    });
    for (int i = 0; i < 20; i++) {
      last[0] = System.nanoTime();
      e.run(x);
    }
    e.setNodeListener(null);
    best.forEach((k, v) -> System.out.printf("  %-36s %8.3f ms%n", k, v));
  }
}

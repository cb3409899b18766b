package io.bocomp.engine.cpu;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.bocomp.engine.Parity;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.OrtReference;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A throwaway single-convolution timing harness (not a test): one Conv(+Relu) of the given shape
 * on bocomp's engine and on ONNX Runtime, both with the same threads, alternating, printing the
 * minimum milliseconds and GFLOP/s of each. {@code widths} restricts the blocked kernel's group
 * widths (e.g. "2,1").
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... io.bocomp.engine.cpu.ConvLayerHarness \
 *     N C M H W K STRIDE PAD THREADS [widths] [GROUPS]
 * </pre>
 */
public final class ConvLayerHarness {
  private ConvLayerHarness() {}

  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]);
    int c = Integer.parseInt(a[1]);
    int m = Integer.parseInt(a[2]);
    int h = Integer.parseInt(a[3]);
    int w = Integer.parseInt(a[4]);
    int k = Integer.parseInt(a[5]);
    int s = Integer.parseInt(a[6]);
    int p = Integer.parseInt(a[7]);
    int threads = Integer.parseInt(a[8]);
    if (a.length > 9 && !a[9].equals("all")) {
      BlockedConvKernel.allowedWidths =
          Arrays.stream(a[9].split(",")).mapToInt(Integer::parseInt).toArray();
    }
    int groups = a.length > 10 ? Integer.parseInt(a[10]) : 1;
    if (a.length > 11) {
      BlockedConvKernel.forcedPixels =
          Arrays.stream(a[11].split(",")).mapToInt(Integer::parseInt).toArray();
    }
    Graph g = Graph.builder().name("conv").input(ValueInfo.floatTensor("x", n, c, h, w))
        .initializer("w", Parity.random(2, m, c / groups, k, k))
        .initializer("b", Parity.random(3, m))
        .addNode(Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("h")
            .attr("pads", p, p, p, p).attr("strides", s, s).attr("group", groups).build())
        .addNode(Node.builder("Relu").name("relu").inputs("h").outputs("y").build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
    Tensor x = Parity.random(1, n, c, h, w);
    int oh = (h + 2 * p - k) / s + 1;
    int ow = (w + 2 * p - k) / s + 1;
    double flop = 2.0 * n * m * (c / groups) * k * k * oh * ow;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (CpuBackend backend = new CpuBackend(threads);
        CpuExecutable e = (CpuExecutable) backend.compile(g, 17);
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(threads);
      opts.setInterOpNumThreads(1);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession sess = env.createSession(OrtReference.toOnnx(g, 17), opts);
          OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()),
              new long[] {n, c, h, w})) {
        Map<String, Tensor> feeds = Map.of("x", x);
        Tensor ours = e.run(feeds, List.of("y")).get("y");
        Tensor ref = OrtReference.run(g, 17, feeds, List.of("y")).get("y");
        Parity.assertClose("conv", ref, ours);
        double best = 1e9;
        double bestOrt = 1e9;
        java.lang.management.ThreadMXBean mx =
            java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpu = threads == 1;
        long end = System.nanoTime() + 8_000_000_000L;
        while (System.nanoTime() < end) {
          long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
          e.run(feeds, List.of("y"));
          long t1 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
          sess.run(Map.of("x", in)).close();
          long t2 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
          best = Math.min(best, (t1 - t0) / 1e6);
          bestOrt = Math.min(bestOrt, (t2 - t1) / 1e6);
        }
        double[] conv = {1e9};
        long[] cpu0 = new long[1];
        ExecutionPlan.stepTimer = (node, kernel, nanos) -> {
          if (node.startsWith("Conv")) {
            long now = mx.getCurrentThreadCpuTime();
            conv[0] = Math.min(conv[0], cpu ? (now - cpu0[0]) / 1e6 : nanos / 1e6);
          }
          cpu0[0] = mx.getCurrentThreadCpuTime();
        };
        for (int i = 0; i < 40; i++) {
          cpu0[0] = mx.getCurrentThreadCpuTime();
          e.run(feeds, List.of("y"));
        }
        ExecutionPlan.stepTimer = null;
        System.out.printf("conv step alone: %.3f ms (%.1f GFLOP/s)%n", conv[0],
            flop / conv[0] / 1e6);
        System.out.printf("N%d C%d M%d %dx%d k%d s%d p%d g%d t%d: bocomp %.3f ms (%.1f GFLOP/s),"
            + " ORT %.3f ms (%.1f GFLOP/s), ratio %.2f; reorders %d%n", n, c, m, h, w, k, s, p,
            groups, threads, best, flop / best / 1e6, bestOrt, flop / bestOrt / 1e6,
            bestOrt / best, e.reorderCount(feeds, List.of("y")));
      }
    }
  }
}

package io.bocomp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.ModelLoader;
import io.bocomp.cluster.ClusterSettings;
import io.bocomp.cluster.ClusterTrialExecutor;
import io.bocomp.cluster.ClusterWorker;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.data.Dataset;
import io.bocomp.engine.Backend;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.zoo.ResNet18;
import io.bocomp.tune.Budget;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.DistanceObjective;
import io.bocomp.tune.IncrementalEvaluator;
import io.bocomp.tune.MethodChoice;
import io.bocomp.tune.RunConfig;
import io.bocomp.tune.SampleSet;
import io.bocomp.tune.SearchSpace;
import io.bocomp.tune.TrialRecord;
import io.bocomp.tune.TuneListener;
import io.bocomp.tune.TuneResult;
import io.bocomp.tune.Tuner;
import io.bocomp.tune.parallel.LocalTrialExecutor;
import io.bocomp.tune.parallel.PlanMeasurer;
import io.bocomp.tune.parallel.StageContext;
import io.bocomp.tune.parallel.TrialExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The benchmark of record of parallel trials (benchmarks/results/parallel.md), in two parts.
 *
 * <p>{@code throughput}: ResNet-18 (torchvision widths, seeded random weights) on 3x64x64 N(0, 1)
 * inputs, 8 samples per trial, 25% of the parameters, the same trials and seed in every
 * configuration: the sequential tuner (one trial at a time on a backend of all cores), then q = 2
 * batches on 1 local worker, on 2 local workers, and on 2 cluster workers (two Hazelcast members
 * in this JVM, one slot each, plus the driver, over 127.0.0.1), the configurations interleaved
 * over {@code --rounds} rounds. Trials per second count from the stage's start (workers building
 * their activation caches included) to its last trial; the journal gives the BO time per batch and
 * the measuring time per trial, from which the table models N workers (one per GPU):
 * batch time = BO + ceil(q / N) x trial time.
 *
 * <p>{@code scaling}: the measuring alone, without the tuner: N threads (1, then 2, interleaved
 * over {@code --rounds}), each with its own one-thread backend and {@link PlanMeasurer} of the
 * same ResNet-18 stage, measure one plan (every layer at 30% of its range) 30 times each; trials
 * per second over all threads. What N workers give when BO and uneven batches cost nothing.
 *
 * <p>{@code quality}: the embedded default model, tuned on its first 1,000 sample images, 100
 * trials at 25% of the parameters, q = 1, 2, 4 (on 2 local workers) over {@code --seeds} seeds;
 * the tuned plan's L is then measured on the 1,000 other images (held-out L).
 *
 * <p>Run (after {@code mvn -o -q -P '!cuda' install -DskipTests}):
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * io.bocomp.bench.ParallelBenchmark throughput --trials 60 --rounds 2} and
 * {@code ... ParallelBenchmark scaling --rounds 3} and {@code ... ParallelBenchmark quality
 * --seeds 3}; each writes a JSON file ({@code --out}).
 * On a 2-core machine 2 workers cannot double the rate: the driver's BO runs on the same cores
 * between batches, and other processes share them.
 */
public final class ParallelBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "parallel-benchmark-token";

  private ParallelBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ParallelBenchmark throughput|quality [options]");
    }
    ExperimentArgs a = new ExperimentArgs(args, 1);
    int trials = a.integer("--trials", 60);
    int rounds = a.integer("--rounds", 2);
    int seeds = a.integer("--seeds", 3);
    int q = a.integer("--q", 2);
    Path out = a.path("--out", Path.of("parallel-" + args[0] + ".json"));
    a.done();
    ObjectNode root = switch (args[0]) {
      case "throughput" -> throughput(trials, rounds, q);
      case "quality" -> quality(seeds);
      case "scaling" -> scaling(rounds);
      default -> throw new IllegalArgumentException("unknown part " + args[0]);
    };
    Files.writeString(out, root.toPrettyString() + "\n");
    System.out.println("wrote " + out);
  }

  // ---------------------------------------------------------------------------------------------

  private record Setup(String name, int q, Supplier<TrialExecutor> executor) {}

  private static ObjectNode throughput(int trials, int rounds, int q) throws Exception {
    Model model = ModelLoader.prepare(ResNet18.build(64, 64, 10, 1));
    Dataset data = new Dataset(randomImages(200, 64, 7), null);
    Tuner.Inputs in = new Tuner.Inputs(model, "resnet18-64", null, data, "N(0,1) 3x64x64");
    int p = freePort();
    List<Setup> setups = List.of(
        new Setup("sequential (all cores)", 1, () -> null),
        new Setup("1 local worker", q, () -> new LocalTrialExecutor(1)),
        new Setup("2 local workers", q, () -> new LocalTrialExecutor(2)),
        new Setup("2 cluster workers", q, () -> ClusterTrialExecutor.join(settings(0, p))));
    ObjectNode root = JSON.createObjectNode();
    root.put("model", "ResNet-18 (width 64, random weights), 3x64x64, 8 samples per trial");
    root.put("trials", trials);
    root.put("q", q);
    root.put("cores", Runtime.getRuntime().availableProcessors());
    ArrayNode runs = root.putArray("runs");
    Path work = Files.createTempDirectory("bocomp-parallel-bench");
    try (ClusterWorker w1 = ClusterWorker.start(settings(p, -1), 1);
        ClusterWorker w2 = ClusterWorker.start(settings(freePort(), p), 1)) {
      for (int round = 0; round < rounds; round++) {
        for (Setup s : setups) {
          RunConfig cfg = RunConfig.builder().budget(new Budget(CostMetric.PARAMS, 0.25))
              .trials(trials).samples(8).seed(0).parallel(s.q()).build();
          Path dir = work.resolve(round + "-" + runs.size());
          Timing t = new Timing();
          TuneResult r;
          try (Tuner tuner = Tuner.prepare(in, cfg, "cpu", dir, false, "benchmark");
              TrialExecutor e = s.executor().get()) {
            if (e != null) {
              tuner.evaluateOn(e);
            }
            r = tuner.run(t);
          }
          ObjectNode o = runs.addObject();
          o.put("round", round);
          o.put("setup", s.name());
          o.put("q", s.q());
          o.put("trials_per_second", (trials - 1) / t.seconds());
          o.put("stage_seconds", t.seconds());
          journalTimes(r.dir(), s.q(), o);
          o.put("distance", r.distance().mean());
          System.out.printf(Locale.ROOT, "round %d %-24s q=%d: %.2f trials/s (%.1f s), BO %.1f"
              + " ms/batch, measuring %.1f ms/trial, L %.5g%n", round, s.name(), s.q(),
              o.path("trials_per_second").asDouble(), t.seconds(),
              o.path("bo_ms_per_batch").asDouble(), o.path("measure_ms_per_trial").asDouble(),
              r.distance().mean());
        }
      }
    }
    return root;
  }

  /** From the first trial's start (the stage start) to the last trial's record. */
  private static final class Timing implements TuneListener {
    private long start;
    private long last;

    @Override
    public void stageStarted(int stage, String name, int trials, int done) {
      start = System.nanoTime();
    }

    @Override
    public void trialRecorded(TrialRecord record, double best) {
      last = System.nanoTime();
    }

    double seconds() {
      return (last - start) / 1e9;
    }
  }

  /** Mean BO time per batch and measuring time per measured trial, from the journal's "ms". */
  private static void journalTimes(Path dir, int q, ObjectNode o) throws IOException {
    double bo = 0;
    double measure = 0;
    int measured = 0;
    int boTrials = 0;
    for (String line : Files.readAllLines(dir.resolve("journal.jsonl"))) {
      JsonNode n = JSON.readTree(line);
      if (!n.path("type").asText().equals("trial")) {
        continue;
      }
      JsonNode ms = n.path("ms");
      if (!n.path("phase").asText().equals("design") && !n.path("phase").asText().equals("uniform")) {
        bo += ms.path("bo").asDouble();
        boTrials++;
      }
      if (!n.path("cached").asBoolean()) {
        measure += ms.path("compression").asDouble() + ms.path("forward").asDouble()
            + ms.path("distance").asDouble();
        measured++;
      }
    }
    o.put("bo_ms_per_batch", boTrials == 0 ? 0 : bo / boTrials * q);
    o.put("measure_ms_per_trial", measured == 0 ? 0 : measure / measured);
  }

  // ---------------------------------------------------------------------------------------------

  private static ObjectNode scaling(int rounds) throws Exception {
    Model model = ModelLoader.prepare(ResNet18.build(64, 64, 10, 1));
    CompressibleModel cm = CompressibleModel.of(model);
    ModelFactors f = FactorCache.at(new CpuDecompositions(), null).load(cm, null);
    SearchSpace space = SearchSpace.build(f, SearchSpace.Options.of(MethodChoice.AUTO));
    SampleSet samples = SampleSet.draw(new Dataset(randomImages(200, 64, 7), null), 8, 0, 64);
    List<Tensor> ref;
    try (CpuBackend b = new CpuBackend()) {
      ref = IncrementalEvaluator.referenceOutputs(b, model, samples);
    }
    List<String> layers = new ArrayList<>();
    space.knobs().forEach(k -> layers.addAll(k.layers()));
    StageContext ctx = new StageContext(model, f, List.of(), layers, samples, ref,
        DistanceObjective.squared());
    CompressionPlan plan = space.resolve(space.fromUnit(filled(space.dimension(), 0.3))).plan();
    int reps = 30;
    ObjectNode root = JSON.createObjectNode();
    root.put("model", "ResNet-18 (width 64, random weights), 3x64x64, 8 samples, one plan");
    root.put("trials_per_thread", reps);
    ArrayNode runs = root.putArray("runs");
    for (int round = 0; round < rounds; round++) {
      for (int n : new int[] {1, 2}) {
        Thread[] ts = new Thread[n];
        double[] perTrial = new double[n];
        java.util.concurrent.CyclicBarrier ready = new java.util.concurrent.CyclicBarrier(n + 1);
        for (int w = 0; w < n; w++) {
          int i = w;
          ts[w] = new Thread(() -> {
            try (CpuBackend b = new CpuBackend(1);
                PlanMeasurer m = new PlanMeasurer(b, ctx, 1L << 28, "t" + i)) {
              m.measure(plan);
              ready.await();
              long t0 = System.nanoTime();
              for (int k = 0; k < reps; k++) {
                m.measure(plan);
              }
              perTrial[i] = (System.nanoTime() - t0) / 1e6 / reps;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
          ts[w].start();
        }
        ready.await();
        long t0 = System.nanoTime();
        for (Thread t : ts) {
          t.join();
        }
        double rate = n * reps / ((System.nanoTime() - t0) / 1e9);
        ObjectNode o = runs.addObject();
        o.put("round", round);
        o.put("threads", n);
        o.put("trials_per_second", rate);
        ArrayNode pt = o.putArray("ms_per_trial");
        for (double v : perTrial) {
          pt.add(v);
        }
        System.out.printf(Locale.ROOT, "round %d, %d thread(s): %.2f trials/s (ms per trial %s)%n",
            round, n, rate, java.util.Arrays.toString(perTrial));
      }
    }
    return root;
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  // ---------------------------------------------------------------------------------------------

  private static ObjectNode quality(int seeds) throws Exception {
    Model model = ModelLoader.loadDefault();
    Dataset all = ModelLoader.defaultSample();
    int[] tuneRows = new int[1000];
    int[] heldRows = new int[1000];
    for (int i = 0; i < 1000; i++) {
      tuneRows[i] = i;
      heldRows[i] = 1000 + i;
    }
    Dataset tune = new Dataset(all.select(tuneRows).images(), null);
    Dataset held = new Dataset(all.select(heldRows).images(), null);
    ObjectNode root = JSON.createObjectNode();
    root.put("model", "fashion-cnn (embedded), tuned on sample images 0-999, held-out L on"
        + " 1000-1999 (1,000 images)");
    root.put("trials", 100);
    ArrayNode runs = root.putArray("runs");
    Path work = Files.createTempDirectory("bocomp-parallel-quality");
    try (Backend backend = new CpuBackend()) {
      SampleSet heldOut = SampleSet.draw(held, 1000, 0, 64);
      List<Tensor> ref = IncrementalEvaluator.referenceOutputs(backend, model, heldOut);
      for (int seed = 0; seed < seeds; seed++) {
        for (int q : new int[] {1, 2, 4}) {
          RunConfig cfg = RunConfig.builder().budget(new Budget(CostMetric.PARAMS, 0.25))
              .trials(100).seed(seed).parallel(q).build();
          TuneResult r;
          SearchSpace space;
          long t0 = System.nanoTime();
          try (Tuner tuner = Tuner.prepare(new Tuner.Inputs(model, "fashion-cnn.onnx", null, tune,
              "sample 0-999"), cfg, "cpu", work.resolve(seed + "-" + q), false, "benchmark");
              LocalTrialExecutor e = new LocalTrialExecutor(2)) {
            tuner.evaluateOn(e);
            r = tuner.run(TuneListener.NONE);
            space = tuner.searchSpace();
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          Graph g = r.plan().apply(space.factors().model().graph(), space.factors(),
              ApplyOptions.defaults()).graph();
          double heldL;
          try (IncrementalEvaluator ev = new IncrementalEvaluator(backend,
              space.factors().model(), heldOut, ref, DistanceObjective.squared(), List.of(),
              1L << 28)) {
            heldL = ev.evaluateFull(g).distance().mean();
          }
          ObjectNode o = runs.addObject();
          o.put("seed", seed);
          o.put("q", q);
          o.put("tuning_l", r.distance().mean());
          o.put("held_out_l", heldL);
          o.put("seconds", seconds);
          System.out.printf(Locale.ROOT, "seed %d q=%d: L %.5g (tuning samples), held-out L %.5g,"
              + " %.1f s%n", seed, q, r.distance().mean(), heldL, seconds);
        }
      }
    }
    return root;
  }

  // ---------------------------------------------------------------------------------------------

  private static ClusterSettings settings(int port, int join) {
    return new ClusterSettings("bench", TOKEN, "127.0.0.1", port,
        join < 0 ? List.of() : List.of("127.0.0.1:" + join));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Tensor randomImages(int n, int size, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 3 * size * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return Tensor.of(new int[] {n, 3, size, size}, x);
  }
}

package io.bocomp.tune;

import static io.bocomp.tune.DefaultModelRuns.distance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.compress.cost.GraphCost;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.testing.OrtReference;
import io.bocomp.tune.alloc.AllocationProblem;
import io.bocomp.tune.alloc.RandomFeasibleAllocator;
import io.bocomp.tune.alloc.UniformAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuner end to end on the embedded default model (small trial and sample counts). */
class TunerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Model model;
  private static Dataset sample;

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    model = ModelLoader.loadDefault();
    sample = ModelLoader.defaultSample();
  }

  private static Tuner.Inputs inputs() {
    return DefaultModelRuns.inputs(model, sample);
  }

  private static RunConfig config(int trials, long seed) {
    return DefaultModelRuns.quarterOfParams(trials, 16, seed).build();
  }

  private static TuneResult run(RunConfig c, Path out, boolean resume,
      DefaultModelRuns.ListenerFactory l) {
    return DefaultModelRuns.run(inputs(), c, out, resume, l);
  }

  private static List<JsonNode> trials(Path runDir) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(runDir.resolve(Journal.FILE))) {
      JsonNode n = JSON.readTree(line);
      if (n.path("type").asText().equals("trial")) {
        out.add(n);
      }
    }
    return out;
  }

  @Test
  void noNetworkIsEvaluatedTwiceAcrossLagrangeMultipliers() throws Exception {
    CountingBackend b = new CountingBackend(new CpuBackend());
    TuneResult r;
    RunConfig c = DefaultModelRuns.quarterOfParams(30, 16, 0).mode(RunConfig.Mode.LAGRANGIAN)
        .build();
    try (Tuner t = Tuner.prepare(inputs(), c, b, dir.resolve("run"), false, "test")) {
      r = t.run(TuneListener.NONE);
    }
    List<JsonNode> trials = trials(r.dir());
    assertThat(trials).hasSize(30);
    Set<Double> lambdas = new TreeSet<>();
    for (JsonNode t : trials) {
      if (t.path("lambda").isNumber()) {
        lambdas.add(t.path("lambda").asDouble());
      }
    }
    assertThat(lambdas).as("the run visits several multipliers").hasSizeGreaterThanOrEqualTo(3);
    // Every trial evaluation ran a different network; then come the final checks of the winner
    // (a full forward pass, then the written file re-loaded) and the competitors the paired
    // certificate re-measures per input: networks of the search, run once more each.
    int remeasured = r.json().path("certificate").path("remeasured").asInt();
    int end = b.evaluatedGraphs.size() - 2 - remeasured;
    List<String> during = b.evaluatedGraphs.subList(0, end);
    assertThat(new HashSet<>(during)).hasSameSizeAs(during);
    assertThat(during).hasSize(r.evaluations());
    List<String> certificate = b.evaluatedGraphs.subList(end + 2, b.evaluatedGraphs.size());
    assertThat(during).containsAll(certificate);
    assertThat(new HashSet<>(certificate)).hasSameSizeAs(certificate);
    long uncached = trials.stream().filter(t -> !t.path("cached").asBoolean()).count();
    assertThat(uncached).isEqualTo(r.evaluations());
  }

  @Test
  void resultMeetsTheBudgetAndTheWrittenModelReproducesTheDistanceInOnnxRuntime() throws Exception {
    TuneResult r = run(config(16, 1), dir.resolve("run"), false, t -> TuneListener.NONE);
    JsonNode j = JSON.readTree(Files.readString(r.dir().resolve("result.json")));
    for (String k : List.of("model", "budget", "plan", "distance", "params", "macs",
        "certificate", "evaluations", "seconds", "top1")) {
      assertThat(j.has(k)).as("result.json has %s", k).isTrue();
    }
    assertThat(j.path("partial").asBoolean()).isFalse();
    double params = j.path("params").path("compressed").asDouble();
    assertThat(params / j.path("params").path("original").asDouble()).isLessThanOrEqualTo(0.25);
    assertThat(Files.exists(r.dir().resolve("report.html"))).isTrue();
    assertThat(Files.readString(r.dir().resolve("report.html"))).contains("<svg");

    // ONNX Runtime on the written file, over the run's sampled inputs (journal header).
    JsonNode header = JSON.readTree(Files.readAllLines(r.dir().resolve(Journal.FILE)).get(0));
    int[] idx = new int[header.path("samples").path("indices").size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = header.path("samples").path("indices").get(i).asInt();
    }
    Tensor x = sample.select(idx).images();
    Tensor ref;
    Tensor out;
    try (OrtReference orig = new OrtReference(ModelLoader.defaultModelBytes());
        OrtReference comp = new OrtReference(Files.readAllBytes(r.modelFile()))) {
      ref = orig.runFirst(x);
      out = comp.runFirst(x);
    }
    int n = ref.dim(0);
    int c = ref.dim(1);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < c; k++) {
        double d = out.data().get(i * c + k) - ref.data().get(i * c + k);
        s += d * d;
      }
      sum += s;
    }
    double ortDistance = sum / n;
    assertThat(ortDistance).isCloseTo(r.distance().mean(), within(1e-3 * r.distance().mean() + 1e-6));
    assertThat(j.path("distance").path("mean").asDouble()).isEqualTo(r.distance().mean());
    assertThat(j.path("distance").path("n").asInt()).isEqualTo(16);
  }

  @Test
  void aKilledRunResumesToTheSameAnswer() throws Exception {
    RunConfig c = config(14, 2);
    TuneResult whole = run(c, dir.resolve("whole"), false, t -> TuneListener.NONE);

    Path cut = dir.resolve("cut");
    TuneResult partial = run(c, cut, false, t -> new TuneListener() {
      @Override
      public void trialRecorded(TrialRecord record, double best) {
        if (record.trial() == 8) {
          t.requestStop();
        }
      }
    });
    assertThat(partial.partial()).isTrue();
    assertThat(Files.exists(cut.resolve("compressed.onnx"))).isFalse();
    assertThat(JSON.readTree(Files.readString(cut.resolve("result.json"))).path("partial")
        .asBoolean()).isTrue();
    // kill -9 in the middle of writing the next line
    List<String> wholeLines = Files.readAllLines(whole.dir().resolve(Journal.FILE));
    String next = wholeLines.get(Files.readAllLines(cut.resolve(Journal.FILE)).size());
    Files.writeString(cut.resolve(Journal.FILE), next.substring(0, next.length() / 2),
        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

    TuneResult resumed = run(c, cut, true, t -> TuneListener.NONE);
    assertThat(resumed.partial()).isFalse();
    List<JsonNode> a = trials(whole.dir());
    List<JsonNode> b = trials(cut);
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).path("theta")).as("trial %d", i).isEqualTo(a.get(i).path("theta"));
      assertThat(b.get(i).path("plan")).isEqualTo(a.get(i).path("plan"));
      assertThat(b.get(i).path("distance")).isEqualTo(a.get(i).path("distance"));
    }
    JsonNode ra = JSON.readTree(Files.readString(whole.dir().resolve("result.json")));
    JsonNode rb = JSON.readTree(Files.readString(cut.resolve("result.json")));
    assertThat(rb.path("plan")).isEqualTo(ra.path("plan"));
    assertThat(rb.path("distance")).isEqualTo(ra.path("distance"));
    assertThat(rb.path("certificate")).isEqualTo(ra.path("certificate")); // paired: re-measured
    assertThat(Files.readAllBytes(cut.resolve("compressed.onnx")))
        .isEqualTo(Files.readAllBytes(whole.modelFile()));
  }

  @Test
  void aJournalOfAnotherConfigurationIsRefusedNamingWhatDiffers() throws Exception {
    Path out = dir.resolve("run");
    run(config(3, 0), out, false, t -> TuneListener.NONE);
    byte[] before = Files.readAllBytes(out.resolve(Journal.FILE));
    assertThatThrownBy(() -> run(config(3, 7), out, true, t -> TuneListener.NONE))
        .isInstanceOf(JournalMismatchException.class).hasMessageContaining("seed");
    assertThat(Files.readAllBytes(out.resolve(Journal.FILE))).isEqualTo(before);
  }

  @Test
  void anUnreachableBudgetNamesTheSmallestReachableValue() {
    RunConfig c = RunConfig.builder().budget(new Budget(CostMetric.PARAMS, 0.001)).trials(3)
        .samples(8).build();
    Path out = dir.resolve("never");
    assertThatThrownBy(() -> Tuner.prepare(inputs(), c, "cpu", out, false, "t"))
        .isInstanceOf(InfeasibleBudgetException.class)
        .hasMessageContaining("smallest reachable value is 0.0")
        .satisfies(e -> assertThat(((InfeasibleBudgetException) e).smallestReachable())
            .isGreaterThan(0.001).isLessThan(0.1));
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void tunedPlanBeatsUniformAndRandomSearchAtAQuarterOfTheParameters() {
    // Reduced setting (60 trials, 32 samples, one seed); docs/results.md holds the full experiment.
    DefaultModelRuns.Tuned run = DefaultModelRuns.tune(inputs(),
        DefaultModelRuns.quarterOfParams(60, 32, 0).build(), dir.resolve("q"));
    TuneResult r = run.result();
    SearchSpace space = run.space();
    SampleSet samples = SampleSet.draw(sample, 32, 0, 64);
    try (CpuBackend b = new CpuBackend();
        IncrementalEvaluator ev = DefaultModelRuns.evaluator(b, model, space, samples)) {
      AllocationProblem p = AllocationProblem.of(space, CostMetric.PARAMS, 0.25);
      double uniform = distance(space, ev, UniformAllocator.atBudget(space, p::fraction, 0.25));
      double random = Double.POSITIVE_INFINITY;
      for (double[] th : RandomFeasibleAllocator.draw(space, p::fraction, 0.25,
          r.evaluations(), 1000)) {
        random = Math.min(random, distance(space, ev, th));
      }
      double tuned = distance(space, ev, r.best().theta());
      assertThat(tuned).isEqualTo(r.distance().mean());
      assertThat(tuned).as("tuned vs uniform").isLessThan(uniform);
      assertThat(tuned).as("tuned vs random search (%d plans)", r.evaluations())
          .isLessThan(random);
    }
  }

  @Test
  void stagesRunInOrderAndTheHookModelReplacesTheBase() throws Exception {
    Path runFile = dir.resolve("run.json");
    Files.writeString(runFile, """
        {"budget": {"metric": "params", "max": 0.3}, "samples": 16,
         "stages": [
           {"name": "conv", "layers": ["/features/*"], "trials": 6,
            "budget": {"metric": "macs", "max": 0.6},
            "hook": "cp $BOCOMP_STAGE_MODEL $BOCOMP_STAGE_OUTPUT && echo tuned $BOCOMP_STAGE"},
           {"name": "fc", "layers": ["/classifier/*"], "trials": 6}]}
        """);
    RunConfig.Builder b = RunConfig.builder();
    RunConfig.readRunFile(runFile, b);
    RunConfig c = b.build();
    assertThat(c.stages).extracting(Stage::name).containsExactly("conv", "fc");
    TuneResult r = run(c, dir.resolve("staged"), false, t -> TuneListener.NONE);
    Path out = r.dir();
    assertThat(out.resolve("stage-1.onnx")).isRegularFile();
    assertThat(out.resolve("stage-1-hook-output.onnx")).isRegularFile();
    assertThat(Files.readString(out.resolve("stage-1-hook.log")).trim()).isEqualTo("tuned conv");
    List<JsonNode> trials = trials(out);
    assertThat(trials).hasSize(12);
    assertThat(trials.subList(0, 6)).allMatch(t -> t.path("stage").asInt() == 0);
    assertThat(trials.subList(6, 12)).allMatch(t -> t.path("stage").asInt() == 1);
    JsonNode result = JSON.readTree(Files.readString(out.resolve("result.json")));
    assertThat(result.path("params").path("compressed").asDouble()
        / result.path("params").path("original").asDouble()).isLessThanOrEqualTo(0.3);
    // the final plan compresses FC layers; the conv layers come compressed in the hook's model
    assertThat(result.path("plan").path("layers").toString()).contains("classifier")
        .doesNotContain("features");
    assertThat(result.path("macs").path("compressed").asDouble()
        / result.path("macs").path("original").asDouble()).isLessThanOrEqualTo(0.6);
  }

  @Test
  void constraintAwareModeCoolsTheBoundAndEndsFeasible() throws Exception {
    RunConfig c = RunConfig.builder().budget(new Budget(CostMetric.MACS, 0.5)).trials(16)
        .samples(16).mode(RunConfig.Mode.CONSTRAINED).cooling("exp").initialDesign(6)
        .exploreEvery(0).allocatorStart(false).build();
    TuneResult r = run(c, dir.resolve("constrained"), false, t -> TuneListener.NONE);
    List<Double> kappas = new ArrayList<>();
    for (JsonNode t : trials(r.dir())) {
      if (t.path("kappa").isNumber()) {
        kappas.add(t.path("kappa").asDouble());
        // the analytic constraint is exact: every BO proposal meets the bound of its trial
        assertThat(t.path("r").asDouble()).isLessThanOrEqualTo(t.path("kappa").asDouble() + 1e-12);
      }
    }
    assertThat(kappas).hasSize(10);
    CoolingSchedule exp = CoolingSchedule.named("exp", c.coolingEta);
    for (int i = 0; i < kappas.size(); i++) {
      assertThat(kappas.get(i)).isCloseTo(exp.bound(i, 10, 1.0, 0.5), within(1e-12));
    }
    assertThat(kappas.get(9)).isEqualTo(0.5);
    assertThat(r.json().path("macs").path("compressed").asDouble()
        / r.json().path("macs").path("original").asDouble()).isLessThanOrEqualTo(0.5);
  }

  @Test
  void aMeasuredLatencyBudgetIsMetWithABlackBoxConstraint() throws Exception {
    // Latencies from a deterministic source (milliseconds proportional to the graph's MACs, the
    // batch and the input it is fed), so the run is repeatable: wall-clock timing belongs in
    // benchmarks. The source sees every graph the tuner would time.
    int batch = 8;
    AtomicInteger timed = new AtomicInteger();
    LatencySource.Factory macs = (b, opset, input, warmup, runs) -> {
      assertThat(input.dim(0)).isEqualTo(batch);
      return (g, warmupNanos) -> {
        timed.incrementAndGet();
        return 1e-6 * input.dim(0) * GraphCost.macs(g, opset);
      };
    };
    double originalMs = 1e-6 * batch * GraphCost.macs(model.graph(), model.opset());
    // 0.8 x the original: the strongest plans cut the MACs by about half, so the budget binds
    RunConfig c = RunConfig.builder().budget(new Budget(CostMetric.LATENCY_MS, 0.8 * originalMs))
        .trials(10).samples(16).mode(RunConfig.Mode.CONSTRAINED).cooling("none")
        .initialDesign(6).latency(batch, 2, 5).allocatorStart(false).build();
    TuneResult r;
    try (Tuner t = Tuner.prepare(inputs(), c, new CpuBackend(), dir.resolve("latency"), false,
        "test", macs)) {
      assertThat(t.nothingToDo()).isNull();
      r = t.run(TuneListener.NONE);
    }
    JsonNode lat = r.json().path("latency_ms");
    assertThat(lat.path("original").asDouble()).isCloseTo(originalMs, within(1e-9));
    assertThat(lat.path("compressed").asDouble()).isPositive()
        .isLessThanOrEqualTo(r.json().path("budget").path("max").asDouble());
    List<JsonNode> trials = trials(r.dir());
    for (JsonNode t : trials) {
      assertThat(t.path("cost").path("latency_ms").asDouble()).as("every trial is timed")
          .isPositive();
    }
    assertThat(timed.get()).as("the original, the trials and the result were timed")
        .isGreaterThanOrEqualTo(trials.size() + 1);
    assertThat(trials.stream().filter(t -> t.path("kappa").isNumber())).hasSize(4);
  }

  @SuppressWarnings("unused")
  private static String show(double[] v) {
    return Arrays.toString(v);
  }
}

package io.bocomp.bench;

import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.data.Dataset;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.tune.Budget;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.DistanceObjective;
import io.bocomp.tune.IncrementalEvaluator;
import io.bocomp.tune.RunConfig;
import io.bocomp.tune.SampleSet;
import io.bocomp.tune.SearchSpace;
import io.bocomp.tune.Tuner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One tuner trial's evaluation on the embedded default model, as {@code bocomp tune} runs it:
 * theta to resolved plan (a slice of the cached factors), the compressed graph, and L on n = 50
 * sampled inputs with the forward pass started at the first changed layer from cached boundary
 * activations and the distance reduced where the logits are written ({@code incremental}), against
 * the same plan run from the inputs ({@code full}). {@code changed}: which searched layers the
 * plan compresses: {@code all} (the first searched conv is changed, so little is skipped) or
 * {@code fc} (only the FC layers: the whole conv stack is skipped).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TuneTrialBench}
 */
@State(Scope.Benchmark)
@Fork(value = 2, jvmArgsAppend = {"-Xmx4g"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
public class TuneTrialBench {
  @Param({"all", "fc"})
  public String changed;

  private CpuBackend cpu;
  private SearchSpace space;
  private IncrementalEvaluator evaluator;
  private double[] theta;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    Model model = ModelLoader.loadDefault();
    Dataset sample = ModelLoader.defaultSample();
    RunConfig config = RunConfig.builder().budget(new Budget(CostMetric.PARAMS, 0.25)).trials(1)
        .build();
    Path out = Files.createTempDirectory("bocomp-bench").resolve("run");
    try (Tuner t = Tuner.prepare(new Tuner.Inputs(model, "fashion-cnn.onnx", null, sample, "sample"),
        config, "cpu", out, false, "bench")) {
      space = t.searchSpace();
    }
    theta = new double[space.dimension()];
    List<String> layers = new ArrayList<>();
    for (int k = 0; k < theta.length; k++) {
      SearchSpace.Knob knob = space.knobs().get(k);
      layers.addAll(knob.layers());
      boolean fc = knob.name().contains("Gemm");
      // mid-range rank fraction for changed layers; the upper bound (dense) for the others
      theta[k] = changed.equals("all") || fc ? 0.5 * (knob.lower() + knob.upper()) : knob.upper();
    }
    cpu = new CpuBackend();
    SampleSet samples = SampleSet.draw(sample, 50, 0, 64);
    List<Tensor> reference = IncrementalEvaluator.referenceOutputs(cpu, model, samples);
    evaluator = new IncrementalEvaluator(cpu, space.factors().model(), samples, reference,
        DistanceObjective.squared(), layers, 1L << 30);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    evaluator.close();
    cpu.close();
  }

  private Graph build(ResolvedPlan plan) {
    return plan.plan().apply(space.factors().model().graph(), space.factors(),
        ApplyOptions.defaults()).graph();
  }

  @Benchmark
  public double incremental() {
    ResolvedPlan plan = space.resolve(theta);
    return evaluator.evaluate(plan, build(plan)).distance().mean();
  }

  @Benchmark
  public double full() {
    ResolvedPlan plan = space.resolve(theta);
    return evaluator.evaluateFull(build(plan)).distance().mean();
  }
}

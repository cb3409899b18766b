package io.bocomp.bench;

import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
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
 * A tuning trial on the embedded default model (fashion-cnn, 5 convs + 3 FC layers): build the
 * compressed graph from the cached factors ({@code build}), and build it plus run the forward pass
 * on the first {@code images} of the embedded Fashion-MNIST sample on the CPU engine
 * ({@code trial}: what the tuner pays per candidate), against decomposing every layer from scratch
 * ({@code decomposeFromScratch}). The plan puts every conv at half its Tucker-2 ranks and every FC
 * layer at a quarter of its full SVD rank.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DefaultModelTrialBench}
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class DefaultModelTrialBench {
  @Param({"500"})
  public int images;

  private Model model;
  private CompressibleModel analysed;
  private ModelFactors factors;
  private CompressionPlan plan;
  private Tensor sample;
  private CpuBackend cpu;
  private TrialFixture fixture;

  @Setup(Level.Trial)
  public void setup() {
    model = ModelLoader.loadDefault();
    analysed = CompressibleModel.of(model);
    fixture = new TrialFixture(analysed, 0.5, 0.25);
    factors = fixture.factors;
    plan = fixture.plan;
    sample = ModelLoader.defaultSample().head(images).images();
    cpu = new CpuBackend();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      fixture.requireNoDecomposition(this::build);
    } finally {
      cpu.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Graph build() {
    return plan.apply(model.graph(), factors, ApplyOptions.defaults()).graph();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Tensor trial() {
    Graph g = plan.apply(model.graph(), factors, ApplyOptions.defaults()).graph();
    try (Executable e = cpu.compile(model.withGraph(g))) {
      return new BatchRunner(e, 100).run(sample);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 5)
  public ModelFactors decomposeFromScratch() {
    return new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), null)
        .compute(analysed);
  }
}

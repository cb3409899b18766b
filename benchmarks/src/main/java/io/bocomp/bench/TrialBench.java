package io.bocomp.bench;

import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.cost.AnalyticCost;
import io.bocomp.model.Graph;
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
 * What a tuning trial costs on the VGG-16-shaped weight set ({@link Vgg16Weights}): building the
 * compressed graph of a plan from the cached factors ({@code trial}: resolve the plan, slice the
 * factors, build every compressed layer), costing a plan analytically ({@code costPlan}, what the
 * tuner does thousands of times inside the acquisition), against decomposing every layer from
 * scratch ({@code decomposeFromScratch}, what a trial would pay without the cache). The plan
 * compresses every layer at a quarter of its full rank (fc6 at the cached randomized rank).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TrialBench} (the setup decomposes VGG-16
 * once per fork: about a minute). A trial must never decompose: the setup checks that by counting.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class TrialBench {
  @Param({"0.25"})
  public double rankFraction;

  private Graph graph;
  private CompressibleModel model;
  private ModelFactors factors;
  private CompressionPlan plan;
  private TrialFixture fixture;

  @Setup(Level.Trial)
  public void setup() {
    graph = Vgg16Weights.build(7);
    model = CompressibleModel.of(graph, 17);
    fixture = new TrialFixture(model, rankFraction, rankFraction);
    factors = fixture.factors;
    plan = fixture.plan;
  }

  @TearDown(Level.Trial)
  public void checkNoDecomposition() {
    fixture.requireNoDecomposition(this::trial);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Graph trial() {
    return plan.apply(graph, factors, ApplyOptions.defaults()).graph();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public long costPlan() {
    var r = plan.resolve(factors, ApplyOptions.defaults());
    return AnalyticCost.totalParams(r) + AnalyticCost.totalMacs(r);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public ModelFactors decomposeFromScratch() {
    return new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), null)
        .compute(model);
  }
}

package io.bocomp.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.data.Dataset;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.tune.Distance;
import io.bocomp.tune.Budget;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.DistanceObjective;
import io.bocomp.tune.IncrementalEvaluator;
import io.bocomp.tune.RunConfig;
import io.bocomp.tune.SampleSet;
import io.bocomp.tune.SearchSpace;
import io.bocomp.tune.Tuner;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>The ONNX Runtime baseline of issue 18 (bocomp's trial evaluation at least 1.3x ONNX Runtime
 * running the whole compressed model): the same plan's compressed graph, exported with {@link
 * OnnxExporter} once at setup, in an {@code OrtSession} configured as {@link ForwardBenchmark}'s
 * ({@code ORT_ENABLE_ALL}, {@value ForwardBenchmark#THREADS} intra-op threads, 1 inter-op thread,
 * sequential), run on the same 50 inputs (one batch), its logits copied out and L computed in Java
 * with the definition the tuner uses ({@link DistanceStats#compute}, pooled by {@link
 * Distance#pool}). ONNX Runtime cannot start from cached activations, so it always runs the whole
 * network:
 *
 * <ul>
 *   <li>{@code ort}: only that run and the distance, the session built at setup: ONNX Runtime's
 *       most favourable case (a tuner on ONNX Runtime would also pay for the next two);
 *   <li>{@code ortTrial}: what a tuner built on ONNX Runtime pays per trial: resolve the plan,
 *       build the compressed graph, export it to ONNX bytes, create the session (graph
 *       optimizations included), run and measure.
 * </ul>
 *
 * <p>At setup the distance ONNX Runtime's logits give must equal bocomp's {@code incremental}
 * result within {@value #L_TOLERANCE} relative, or the trial fails (L is 207 with {@code
 * changed=all} and 7.7 with {@code changed=fc}; the two engines' L agree to better than 1e-6).
 *
 * <p>The forks run with {@code --add-modules jdk.incubator.vector}, as {@code ./bocomp} does (the
 * Vector API kernels); {@code -jvmArgsAppend} replaces that flag, and without it bocomp runs its
 * OpenBLAS fallback kernels. The whole grid: {@code java -jar benchmarks/target/benchmarks.jar
 * TuneTrialBench}. Issue 18's comparison, bocomp's path against ONNX Runtime back to back, engine
 * order reversed in a second repetition (run from the repository root):
 *
 * <pre>
 * mvn -B -o -q -P '!cuda' package -DskipTests
 * for rep in 1 2; do
 *   order="incremental ort ortTrial"
 *   if [ $rep = 2 ]; then order="ortTrial ort incremental"; fi
 *   for c in all fc; do for m in $order; do
 *     java -jar benchmarks/target/benchmarks.jar "TuneTrialBench\.$m\$" -f 1 -wi 4 -i 5 -w 1 -r 1 \
 *         -p changed=$c -rf json -rff tune-ort-$c-$m-$rep.json
 *   done; done
 * done
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(value = 2, jvmArgsAppend = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
public class TuneTrialBench {
  /** Largest accepted difference of ONNX Runtime's L from bocomp's, relative to bocomp's. */
  public static final double L_TOLERANCE = 1e-3;

  @Param({"all", "fc"})
  public String changed;

  private CpuBackend cpu;
  private SearchSpace space;
  private IncrementalEvaluator evaluator;
  private double[] theta;
  private Model model;
  private List<Tensor> reference;
  private OrtEnvironment env;
  private OrtSession.SessionOptions ortOptions;
  private OrtSession session;
  private OnnxTensor ortInput;
  private Map<String, OnnxTensor> ortFeeds;
  private FloatBuffer logitsBuffer;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    model = ModelLoader.loadDefault();
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
    reference = IncrementalEvaluator.referenceOutputs(cpu, model, samples);
    evaluator = new IncrementalEvaluator(cpu, space.factors().model(), samples, reference,
        DistanceObjective.squared(), layers, 1L << 30);
    if (samples.batches().size() != 1) {
      throw new IllegalStateException("expected one batch of 50 samples");
    }
    env = OrtEnvironment.getEnvironment();
    ortOptions = new OrtSession.SessionOptions();
    ortOptions.setIntraOpNumThreads(ForwardBenchmark.THREADS);
    ortOptions.setInterOpNumThreads(1);
    ortOptions.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    ortOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    Tensor in = samples.batches().get(0);
    long[] shape = new long[in.rank()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = in.dim(i);
    }
    ortInput = OnnxTensor.createTensor(env, in.data(), shape);
    ortFeeds = Map.of(model.graph().inputs().get(0).name(), ortInput);
    session = session(space.resolve(theta));
    double ours = incremental();
    double theirs = ort();
    if (!(Math.abs(ours - theirs) <= L_TOLERANCE * Math.abs(ours))) {
      throw new IllegalStateException(String.format(
          "L differs: bocomp %.9g, ONNX Runtime %.9g (changed=%s)", ours, theirs, changed));
    }
    System.out.printf("%nL on the sample: bocomp %.9g, ONNX Runtime %.9g (changed=%s)%n", ours,
        theirs, changed);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    evaluator.close();
    cpu.close();
    session.close();
    ortInput.close();
    ortOptions.close();
  }

  /** An ONNX Runtime session of the plan's compressed graph. */
  private OrtSession session(ResolvedPlan plan) throws OrtException {
    return env.createSession(OnnxExporter.toBytes(model.withGraph(build(plan))), ortOptions);
  }

  /** L of ONNX Runtime's logits on the sample against the reference, as the tuner defines it. */
  private double measure(OrtSession s) throws OrtException {
    try (OrtSession.Result r = s.run(ortFeeds)) {
      OnnxTensor logits = (OnnxTensor) r.get(0);
      long[] ls = logits.getInfo().getShape();
      int[] shape = new int[ls.length];
      for (int i = 0; i < ls.length; i++) {
        shape[i] = Math.toIntExact(ls[i]);
      }
      FloatBuffer data = logits.getFloatBuffer();
      if (logitsBuffer == null || logitsBuffer.capacity() != data.remaining()) {
        logitsBuffer = Tensor.allocate(data.remaining());
      }
      logitsBuffer.clear();
      logitsBuffer.put(data).flip();
      Tensor out = Tensor.wrap(shape, logitsBuffer);
      return Distance.pool(List.of(DistanceStats.compute(out, reference.get(0)))).mean();
    }
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

  @Benchmark
  public double ort() throws OrtException {
    return measure(session);
  }

  @Benchmark
  public double ortTrial() throws OrtException {
    try (OrtSession s = session(space.resolve(theta))) {
      return measure(s);
    }
  }
}

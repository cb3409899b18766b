package io.bocomp.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bocomp.ModelLoader;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.model.zoo.ResNet18;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * CPU forward throughput of bocomp's {@link CpuBackend} and of ONNX Runtime Java on the same
 * network, the same input and the same number of threads: the benchmark of record for issue 3's
 * goal (bocomp at least 1.0x ONNX Runtime at batch 50).
 *
 * <ul>
 *   <li>{@code model=default}: the embedded default model ({@link ModelLoader#loadDefault()}, the
 *       trained Fashion-MNIST VGG-style CNN, 1x28x28 inputs, 45 MFLOP per image);
 *   <li>{@code model=resnet18}: {@link ResNet18} at torchvision's widths (64..512) on 3x64x64
 *       inputs (about 150 MFLOP per image), seeded random weights.
 * </ul>
 *
 * <p>Both engines run the graph bocomp prepares ({@link ModelLoader#prepare}: BatchNorms folded,
 * shapes inferred); ONNX Runtime gets it as ONNX bytes ({@link OnnxExporter}) and applies its own
 * optimizations on top ({@code ORT_ENABLE_ALL}, which switches convolutions to its NCHWc kernels),
 * with {@value #THREADS} intra-op threads and 1 inter-op thread; bocomp uses a
 * {@code CpuBackend(}{@value #THREADS}{@code )}. The input is seeded N(0, 1) data in a direct
 * buffer, fed without copies to both; each call returns the logits (bocomp copies them into a
 * fresh tensor, ONNX Runtime into native memory, released after the call).
 *
 * <p>The primary score is forward passes per second; the secondary result {@code images} is the
 * same rate in images per second (an {@link AuxCounters} counter incremented by {@code batch} per
 * call). JMH orders trials by parameter name (batch, engine, model), so one run of the whole grid
 * puts the two engines of a (model, batch) pair far apart in time; on a shared machine run one
 * pair at a time, both engines back to back (about 2 minutes each, 8 in all):
 *
 * <pre>
 * mvn -B -o -q -P '!cuda' -pl java,benchmarks package -DskipTests
 * for m in default resnet18; do for b in 1 50; do
 *   java -jar benchmarks/target/benchmarks.jar ForwardBenchmark -p model=$m -p batch=$b \
 *       -rf json -rff forward-$m-$b.json
 * done; done
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xss4m", "-Xmx4g"})
@State(Scope.Benchmark)
public class ForwardBenchmark {
  /** Threads of both engines: all cores of the reference machine. */
  public static final int THREADS = 2;
  /** Input side of {@code model=resnet18}. */
  public static final int RESNET_IMAGE = 64;
  /** Base width of {@code model=resnet18} (torchvision's). */
  public static final int RESNET_WIDTH = 64;

  @Param({"default", "resnet18"})
  public String model;

  @Param({"1", "50"})
  public int batch;

  @Param({"bocomp", "ort"})
  public String engine;

  private Tensor input;
  private String inputName;
  private List<String> outputNames;
  private Map<String, Tensor> feeds;
  private CpuBackend backend;
  private Executable executable;
  private OrtEnvironment env;
  private OrtSession session;
  private OnnxTensor ortInput;
  private Map<String, OnnxTensor> ortFeeds;

  /** Images processed, reported by JMH as a rate (images per second). */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Images {
    public long images;

    @Setup(Level.Iteration)
    public void reset() {
      images = 0;
    }
  }

  /** The prepared network of {@code name}. */
  static Model network(String name) {
    switch (name) {
      case "default":
        return ModelLoader.loadDefault();
      case "resnet18":
        return ModelLoader.prepare(ResNet18.build(RESNET_IMAGE, RESNET_WIDTH, 10, 1));
      default:
        throw new IllegalArgumentException("unknown model " + name);
    }
  }

  /** Seeded N(0, 1) input of the network's input shape with batch {@code batch}. */
  static Tensor input(Graph g, int batch) {
    int[] shape = g.inputs().get(0).shape();
    shape[0] = batch;
    FloatBuffer data = Tensor.allocate(Tensor.checkedSize(shape));
    SplittableRandom rng = new SplittableRandom(42);
    for (int i = 0; i < data.capacity(); i++) {
      data.put(i, (float) nextGaussian(rng));
    }
    return Tensor.wrap(shape, data);
  }

  private static double nextGaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  @Setup(Level.Trial)
  public void setUp() throws OrtException {
    Model m = network(model);
    Graph g = m.graph();
    input = input(g, batch);
    inputName = g.inputs().get(0).name();
    outputNames = List.of(g.outputs().get(0).name());
    switch (engine) {
      case "bocomp":
        backend = new CpuBackend(THREADS);
        executable = backend.compile(g, m.opset());
        feeds = Map.of(inputName, input);
        break;
      case "ort":
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
          opts.setIntraOpNumThreads(THREADS);
          opts.setInterOpNumThreads(1);
          opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
          opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
          session = env.createSession(OnnxExporter.toBytes(m), opts);
        }
        long[] shape = new long[input.shape().length];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = input.shape()[i];
        }
        ortInput = OnnxTensor.createTensor(env, input.data(), shape);
        ortFeeds = Map.of(inputName, ortInput);
        break;
      default:
        throw new IllegalArgumentException("unknown engine " + engine);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    if (executable != null) {
      executable.close();
      backend.close();
    }
    if (session != null) {
      ortInput.close();
      session.close();
    }
  }

  @Benchmark
  public float forward(Images images) throws OrtException {
    images.images += batch;
    if (executable != null) {
      return executable.run(feeds, outputNames).get(outputNames.get(0)).get(0);
    }
    try (OrtSession.Result r = session.run(ortFeeds)) {
      return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
    }
  }
}

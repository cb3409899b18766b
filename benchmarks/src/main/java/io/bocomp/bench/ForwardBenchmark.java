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
 * goal (bocomp at least 1.0x ONNX Runtime at batch 50). Results: {@code
 * benchmarks/results/forward.md}.
 *
 * <ul>
 *   <li>{@code model=default}: the embedded default model ({@link ModelLoader#loadDefault()}, the
 *       trained Fashion-MNIST VGG-style CNN, 1x28x28 inputs, 22.6 M multiply-adds = 45.3 MFLOP per
 *       image);
 *   <li>{@code model=resnet18}: {@link ResNet18} at torchvision's widths (64..512) on 3x64x64
 *       inputs (148 M multiply-adds = 296 MFLOP per image), seeded random weights;
 *   <li>{@code model=tucker2}: the default model with every convolution at half its Tucker-2
 *       ranks and the FC layers at a quarter of their SVD rank;
 *   <li>{@code model=mobilenet}: the trained MobileNetV2-style net {@code models/zoo/mobilenet.onnx}
 *       (depthwise-separable inverted residuals, 1x28x28 inputs);
 *   <li>{@code model=vit}: the trained ViT-style net {@code models/zoo/vit.onnx} (patch embedding,
 *       transformer encoder blocks: LayerNorm, multi-head attention, GELU MLP; 1x28x28 inputs).
 * </ul>
 *
 * <p>The zoo models are read relative to the working directory: run from the repository root.
 *
 * <p>Engines: {@code bocomp} is a {@code CpuBackend(}{@value #THREADS}{@code )} with every
 * kernel it has, {@code bocomp-novec} the same with the Vector API kernels turned off
 * ({@code -Dbocomp.cpu.vector=false}: the OpenBLAS im2col/Winograd paths an embedding user gets
 * without {@code --add-modules jdk.incubator.vector}), {@code ort} ONNX Runtime. Both engines run
 * the graph bocomp prepares ({@link ModelLoader#prepare}: BatchNorms folded, shapes inferred);
 * ONNX Runtime gets it as ONNX bytes ({@link OnnxExporter}) and applies its own optimizations on
 * top ({@code ORT_ENABLE_ALL}, which switches convolutions to its NCHWc kernels), with
 * {@value #THREADS} intra-op threads and 1 inter-op thread. The input is seeded N(0, 1) data in a
 * direct buffer, fed without copies to both; each call returns the logits (bocomp copies them into
 * a fresh tensor, ONNX Runtime into native memory, released after the call). Before timing, each
 * trial runs the input through both engines once and fails if any logit differs by more than
 * {@value #TOLERANCE} relative to the largest, so a fast wrong kernel cannot post a score.
 *
 * <p>The primary score is forward passes per second; the secondary result {@code images} is the
 * same rate in images per second (an {@link AuxCounters} counter incremented by {@code batch} per
 * call). JMH orders trials by parameter name (batch, engine, model), so one run of the whole grid
 * puts the engines of a (model, batch) pair far apart in time; on a shared machine run one pair at
 * a time, the engines back to back (about 1.5 minutes per pair, 6 in all):
 *
 * <pre>
 * mvn -B -o -q -P '!cuda' -pl java,benchmarks package -DskipTests
 * for m in default resnet18; do for b in 1 50; do
 *   java -jar benchmarks/target/benchmarks.jar ForwardBenchmark -p model=$m -p batch=$b \
 *       -rf json -rff forward-$m-$b.json
 * done; done
 * </pre>
 *
 * <p>On a machine whose load changes within minutes, shorter runs of one engine each, repeated in
 * alternating order, give more trustworthy ratios ({@code -f 1 -wi 2 -i 3 -p engine=...}; see
 * forward.md). Note that {@code -jvmArgsAppend} on the command line replaces the
 * {@link Fork#jvmArgsAppend()} below, module flag included; {@code engine=bocomp} then fails
 * rather than silently timing the fallback kernels.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xss4m", "-Xmx4g", "--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class ForwardBenchmark {
  /** Threads of both engines: all cores of the reference machine. */
  public static final int THREADS = 2;
  /** Input side of {@code model=resnet18}. */
  public static final int RESNET_IMAGE = 64;
  /** Base width of {@code model=resnet18} (torchvision's). */
  public static final int RESNET_WIDTH = 64;
  /** Largest accepted logit difference between the engines, relative to the largest logit. */
  public static final double TOLERANCE = 1e-4;
  /** The system property that turns bocomp's Vector API kernels off (see {@code engine}). */
  static final String VECTOR_PROPERTY = "bocomp.cpu.vector";

  @Param({"default", "resnet18", "tucker2", "mobilenet", "vit"})
  public String model;

  @Param({"1", "50"})
  public int batch;

  @Param({"bocomp", "bocomp-novec", "ort"})
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
  private String previousVector;

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
      case "tucker2":
        return io.bocomp.model.zoo.Tucker2Default.build();
      case "mobilenet":
        return ModelLoader.load(java.nio.file.Path.of("models/zoo/mobilenet.onnx"));
      case "vit":
        return ModelLoader.load(java.nio.file.Path.of("models/zoo/vit.onnx"));
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
    if (!List.of("bocomp", "bocomp-novec", "ort").contains(engine)) {
      throw new IllegalArgumentException("unknown engine " + engine);
    }
    if (engine.equals("bocomp")
        && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      throw new IllegalStateException("engine=bocomp needs --add-modules jdk.incubator.vector");
    }
    Model m = network(model);
    Graph g = m.graph();
    input = input(g, batch);
    inputName = g.inputs().get(0).name();
    outputNames = List.of(g.outputs().get(0).name());
    feeds = Map.of(inputName, input);
    // Both engines are built for every trial so their outputs can be compared before timing;
    // the one not timed is closed right after. The engine picks its kernels when it first sees
    // an input shape (at the check below), so the property stays set for the whole trial.
    previousVector = System.getProperty(VECTOR_PROPERTY);
    System.setProperty(VECTOR_PROPERTY, String.valueOf(!engine.equals("bocomp-novec")));
    backend = new CpuBackend(THREADS);
    executable = backend.compile(g, m.opset());
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
    checkAgreement();
    if (engine.equals("ort")) {
      executable.close();
      backend.close();
      executable = null;
      backend = null;
    } else {
      ortInput.close();
      session.close();
      ortInput = null;
      session = null;
    }
  }

  /** Fails the trial if bocomp's logits and ONNX Runtime's differ by more than TOLERANCE. */
  private void checkAgreement() throws OrtException {
    float[] ours = executable.run(feeds, outputNames).get(outputNames.get(0)).toFloatArray();
    float[] theirs;
    try (OrtSession.Result r = session.run(ortFeeds)) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      theirs = new float[fb.remaining()];
      fb.get(theirs);
    }
    if (ours.length != theirs.length) {
      throw new IllegalStateException("bocomp gives " + ours.length + " logits, ONNX Runtime "
          + theirs.length + " (" + model + ", batch " + batch + ")");
    }
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < ours.length; i++) {
      scale = Math.max(scale, Math.abs(theirs[i]));
      worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
    }
    if (!(worst <= TOLERANCE * scale)) {
      throw new IllegalStateException(String.format(
          "bocomp (%s) and ONNX Runtime disagree on %s, batch %d: max |diff| %.3g, max |logit| %.3g",
          engine, model, batch, worst, scale));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    if (previousVector == null) {
      System.clearProperty(VECTOR_PROPERTY);
    } else {
      System.setProperty(VECTOR_PROPERTY, previousVector);
    }
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

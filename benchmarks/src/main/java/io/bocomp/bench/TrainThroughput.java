package io.bocomp.bench;

import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.data.Idx;
import io.bocomp.model.Model;
import io.bocomp.train.Distillation;
import io.bocomp.train.FineTuner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Training throughput of bocomp's fine-tuner (images/s of forward + distillation loss + backward +
 * SGD step), the Java side of the PyTorch peer {@code benchmarks/peers/train_torch_peer.py}: the
 * same model, Fashion-MNIST training images, batch, loss (KD, T 4, alpha 0.5 with labels) and
 * optimizer (SGD, lr 0.01, momentum 0.9). Each repeat trains {@code steps} steps from the model's
 * initial weights after {@code warmup} untimed steps; the teacher outputs are computed before
 * timing (the peer precomputes them too).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.bocomp.bench.TrainThroughput
 * [MODEL.onnx|default] [batch 64] [steps 30] [repeats 5] [threads 2] [warmup 10]}; prints one JSON
 * line per repeat and a summary line. {@code benchmarks/peers/run_train_throughput.sh} runs it
 * interleaved with the peer.
 */
public final class TrainThroughput {
  private static final Path TRAIN =
      Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
  private static final Path LABELS =
      Path.of("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz");

  private TrainThroughput() {}

  public static void main(String[] args) {
    String modelArg = args.length > 0 ? args[0] : "default";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 10;
    Model student = modelArg.equals("default") ? ModelLoader.loadDefault()
        : ModelLoader.load(Path.of(modelArg));
    Model teacher = ModelLoader.loadDefault();
    int n = batch * Math.max(steps, warmup);
    Dataset data = new Dataset(Idx.readImages(TRAIN, n), Idx.readLabels(LABELS, n));
    Distillation.Settings base = Distillation.Settings.defaults(1);
    List<Double> rates = new ArrayList<>();
    run(student, teacher, data.head(batch * warmup), base, batch, threads);
    for (int r = 0; r < repeats; r++) {
      Dataset d = data.head(batch * steps);
      FineTuner.Result res = run(student, teacher, d, base, batch, threads);
      double ips = res.epochs().get(0).imagesPerSecond();
      rates.add(ips);
      System.out.printf(Locale.ROOT, "{\"repeat\": %d, \"images_per_second\": %.1f, \"loss\": %.5f}%n",
          r, ips, res.epochs().get(0).meanLoss());
    }
    double[] s = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "{\"engine\": \"bocomp\", \"model\": \"%s\", \"batch\": %d,"
        + " \"threads\": %d, \"steps\": %d, \"images_per_second\": %s, \"min\": %.1f,"
        + " \"median\": %.1f, \"max\": %.1f}%n", modelArg, batch, threads, steps,
        Arrays.toString(rates.stream().mapToLong(Math::round).toArray()), s[0], s[s.length / 2],
        s[s.length - 1]);
  }

  private static FineTuner.Result run(Model student, Model teacher, Dataset d,
      Distillation.Settings base, int batch, int threads) {
    Distillation.Settings st = new Distillation.Settings(1, batch, base.lr(), base.optimizer(),
        base.momentum(), base.weightDecay(), "constant", 1, 0.1f, base.loss(), base.temperature(),
        base.alpha(), 0L, threads, 0);
    return Distillation.run(student, "student", teacher, "teacher", d, st,
        new FineTuner.Listener() {}, () -> false).result();
  }

}

package io.bocomp.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.Method;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import io.bocomp.data.Dataset;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.MnistNets;
import io.bocomp.testing.OrtReference;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a CNN compressed by every method (Tucker-2, SVD, energy, filter and unstructured
 * pruning) is distilled toward its original on real Fashion-MNIST images; the trained model gets
 * closer to the teacher, keeps its pruned zeros, exports to ONNX and runs in ONNX Runtime with the
 * same outputs; runs are reproducible with a seed; sharding does not change the gradient; NaN
 * stops the run with the last good weights; a stop request ends it after the current step.
 */
class FineTunerTest {
  @TempDir static Path dir;
  static Model original;
  static Model compressed;
  static Dataset data;

  @BeforeAll
  static void compress() {
    original = ModelLoader.prepare(Model.of(MnistNets.smallCnn(5, true, false)));
    CompressibleModel cm = CompressibleModel.of(original);
    ModelFactors f = new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), dir)
        .compute(cm);
    Graph g = CompressionPlan.of(List.of(PlanEntry.tucker2("conv2", 6, 8),
        PlanEntry.filterPrune("conv1", 0.25), PlanEntry.prune("fc1", 0.8),
        PlanEntry.energy("fc2", Method.SVD, 0.6))).apply(cm.graph(), f, ApplyOptions.defaults())
        .graph();
    compressed = original.withGraph(ModelLoader.prepare(original.withGraph(g)).graph());
    data = ModelLoader.defaultSample().head(256);
  }

  private static Distillation.Settings settings(int epochs, float lr, long seed, int threads) {
    return new Distillation.Settings(epochs, 32, lr, "sgd", 0.9f, 0f, "cosine", 1, 0.1f,
        Loss.Kind.MSE, 1f, 1f, seed, threads, 0);
  }

  private static double distance(Model m) {
    return DistanceStats.compute(Distillation.outputs(m, data.images()),
        Distillation.outputs(original, data.images())).mean();
  }

  @Test
  void distillationMovesTheCompressedModelTowardTheOriginal() throws Exception {
    TrainingGraph before = TrainingGraph.compile(compressed, true);
    assertThat(before.frozenZeroCount()).isPositive();
    Distillation.Outcome o = Distillation.run(compressed, "compressed", original, "original", data,
        settings(4, 0.002f, 1, 2), new FineTuner.Listener() {}, () -> false);
    assertThat(o.result().status()).isEqualTo(FineTuner.Status.COMPLETED);
    assertThat(o.result().epochs()).hasSize(4);
    double d0 = distance(compressed);
    double d1 = distance(o.model());
    assertThat(d1).as("distance before %s, after %s", d0, d1).isLessThan(0.7 * d0);
    // pruned entries stay exactly zero, in the same places
    TrainingGraph after = TrainingGraph.compile(o.model(), true);
    assertThat(after.frozenZeroCount()).isEqualTo(before.frozenZeroCount());
    for (int i = 0; i < before.parameters().size(); i++) {
      boolean[] m0 = before.parameters().get(i).frozenZeroMask();
      boolean[] m1 = after.parameters().get(i).frozenZeroMask();
      assertThat(m1).isEqualTo(m0);
    }
    // the exported file runs in ONNX Runtime with the outputs bocomp computes
    Path file = dir.resolve("finetuned.onnx");
    OnnxExporter.write(o.model(), file);
    Model back = ModelLoader.load(file);
    Tensor x = data.head(16).images();
    Tensor ours = Distillation.outputs(back, x);
    Tensor ort;
    try (OrtReference r = new OrtReference(java.nio.file.Files.readAllBytes(file))) {
      ort = r.runFirst(x);
    }
    assertThat(OrtReference.relativeDifference(ours, ort)).isLessThan(1e-5);
    TrainingGraph tg = TrainingGraph.compile(back, true);
    FloatBuffer fw = tg.forward(tg.newWorkspace(), x, 0, 16);
    for (int i = 0; i < ort.size(); i++) {
      assertThat((double) fw.get(i)).isCloseTo(ort.get(i), within(1e-4 * (1 + Math.abs(ort.get(i)))));
    }
  }

  @Test
  void sameSeedSameWeightsDifferentSeedDifferentWeights() {
    Model a = train(settings(1, 0.002f, 7, 2));
    Model b = train(settings(1, 0.002f, 7, 2));
    Model c = train(settings(1, 0.002f, 8, 2));
    assertThat(weights(a)).isEqualTo(weights(b));
    assertThat(weights(a)).isNotEqualTo(weights(c));
  }

  @Test
  void shardsAcrossWorkersGiveTheSingleWorkerGradient() {
    float[] before = weights(compressed);
    float[] one = weights(train(settings(1, 0.002f, 3, 1)));
    float[] three = weights(train(settings(1, 0.002f, 3, 3)));
    double maxDiff = 0;
    double maxAbs = 0;
    double maxStep = 0;
    for (int i = 0; i < one.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(one[i] - three[i]));
      maxAbs = Math.max(maxAbs, Math.abs(one[i]));
      maxStep = Math.max(maxStep, Math.abs(one[i] - before[i]));
    }
    assertThat(maxDiff).isLessThan(1e-4 * maxAbs);
    // and that is far below how far the training moved the weights (not two untouched copies)
    assertThat(maxStep).as("training moved the weights").isGreaterThan(100 * maxDiff)
        .isGreaterThan(1e-5 * maxAbs);
  }

  @Test
  void nonFiniteLossKeepsTheLastGoodWeights() {
    Distillation.Outcome o = Distillation.run(compressed, "compressed", original, "original", data,
        settings(2, 1e6f, 1, 2), new FineTuner.Listener() {}, () -> false);
    assertThat(o.result().status()).isEqualTo(FineTuner.Status.DIVERGED);
    assertThat(o.result().message()).contains("loss became").contains("last step with a finite loss");
    for (float w : weights(o.model())) {
      assertThat(Float.isFinite(w)).isTrue();
    }
    assertThat(Double.isFinite(distance(o.model()))).isTrue();
  }

  @Test
  void stopRequestEndsAfterTheCurrentStep() {
    AtomicInteger steps = new AtomicInteger();
    FineTuner.Listener l = new FineTuner.Listener() {
      @Override
      public void step(int epoch, int step, double loss, double ips) {
        steps.incrementAndGet();
      }
    };
    Distillation.Outcome o = Distillation.run(compressed, "compressed", original, "original", data,
        settings(3, 0.002f, 1, 2), l, () -> steps.get() >= 2);
    assertThat(o.result().status()).isEqualTo(FineTuner.Status.STOPPED);
    assertThat(o.result().steps()).isEqualTo(2);
    assertThat(weights(o.model())).isNotEqualTo(weights(compressed));
  }

  @Test
  void mismatchedModelsAndLabelsAreRefused() {
    Dataset badLabels = new Dataset(data.images(), data.labels().clone());
    badLabels.labels()[3] = 12;
    assertThatThrownBy(() -> Distillation.run(compressed, "compressed", original, "original",
        badLabels, settings(1, 0.01f, 1, 1), new FineTuner.Listener() {}, () -> false))
        .isInstanceOf(BocompException.class).hasMessageContaining("label 12 of image 3");
    Dataset small = new Dataset(Tensor.zeros(4, 1, 14, 14), null);
    assertThatThrownBy(() -> Distillation.run(compressed, "compressed", original, "original",
        small, settings(1, 0.01f, 1, 1), new FineTuner.Listener() {}, () -> false))
        .isInstanceOf(BocompException.class).hasMessageContaining("[1, 14, 14]");
  }

  @Test
  void lossGradientsMatchFiniteDifferences() {
    SplittableRandom rnd = new SplittableRandom(4);
    int n = 3;
    int k = 5;
    float[] s = new float[n * k];
    float[] t = new float[n * k];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) (2 * rnd.nextGaussian());
      t[i] = (float) (2 * rnd.nextGaussian());
    }
    int[] labels = {1, 4, 0};
    int[] rows = {0, 1, 2};
    for (Loss loss : List.of(new Loss(Loss.Kind.KD, 4f, 0.5f), new Loss(Loss.Kind.KD, 1f, 1f),
        new Loss(Loss.Kind.MSE, 1f, 0.3f))) {
      FloatBuffer sb = Tensor.of(new int[] {n, k}, s).data();
      FloatBuffer tb = Tensor.of(new int[] {n, k}, t).data();
      FloatBuffer grad = Tensor.allocate(n * k);
      loss.apply(sb, n, k, tb, labels, rows, n, grad);
      for (int i = 0; i < n * k; i++) {
        double h = 1e-3;
        float o = sb.get(i);
        FloatBuffer scratch = Tensor.allocate(n * k);
        sb.put(i, (float) (o + h));
        double lp = loss.apply(sb, n, k, tb, labels, rows, n, scratch) / n;
        sb.put(i, (float) (o - h));
        double lm = loss.apply(sb, n, k, tb, labels, rows, n, scratch) / n;
        sb.put(i, o);
        assertThat((double) grad.get(i)).as("%s %s", loss.kind(), i)
            .isCloseTo((lp - lm) / (2 * h), within(2e-3));
      }
    }
  }

  @Test
  void optimizersFollowPyTorchsUpdateRules() {
    Tensor w0 = Tensor.of(new int[] {2}, new float[] {1f, -2f});
    for (String opt : List.of("sgd", "adam")) {
      Parameter p = new Parameter("w", 0, w0, false);
      Optimizer o = opt.equals("sgd") ? Optimizer.sgd(0.9f, 0.1f) : Optimizer.adam(0f);
      FloatBuffer g = Tensor.of(new int[] {2}, new float[] {0.5f, -1f}).data();
      o.step(List.of(p), new FloatBuffer[] {g}, 0.1f);
      o.step(List.of(p), new FloatBuffer[] {g}, 0.1f);
      float[] got = {p.value().get(0), p.value().get(1)};
      if (opt.equals("sgd")) {
        // v1 = g + 0.1 w0; w1 = w0 - 0.1 v1; v2 = 0.9 v1 + g + 0.1 w1; w2 = w1 - 0.1 v2
        double v1 = 0.5 + 0.1 * 1;
        double w1 = 1 - 0.1 * v1;
        double v2 = 0.9 * v1 + 0.5 + 0.1 * w1;
        assertThat((double) got[0]).isCloseTo(w1 - 0.1 * v2, within(1e-6));
      } else {
        // Adam with a constant gradient moves each weight by lr per step against its sign
        assertThat((double) got[0]).isCloseTo(1 - 0.2, within(1e-4));
        assertThat((double) got[1]).isCloseTo(-2 + 0.2, within(1e-4));
      }
    }
  }

  @Test
  void gradientClippingScalesToTheGlobalNorm() {
    FloatBuffer a = Tensor.of(new int[] {2}, new float[] {3f, 0f}).data();
    FloatBuffer b = Tensor.of(new int[] {1}, new float[] {4f}).data();
    FineTuner.clip(new FloatBuffer[] {a, b}, 1.0);
    assertThat((double) a.get(0)).isCloseTo(0.6, within(1e-5));
    assertThat((double) b.get(0)).isCloseTo(0.8, within(1e-5));
    FineTuner.clip(new FloatBuffer[] {a, b}, 2.0);
    assertThat((double) b.get(0)).isCloseTo(0.8, within(1e-6));
  }

  private static Model train(Distillation.Settings s) {
    return Distillation.run(compressed, "compressed", original, "original", data, s,
        new FineTuner.Listener() {}, () -> false).model();
  }

  private static float[] weights(Model m) {
    Graph g = m.graph();
    return g.initializers().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
        .filter(e -> e.getValue().isFloat())
        .map(e -> e.getValue().toFloatArray())
        .reduce(new float[0], (a, b) -> {
          float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
          System.arraycopy(b, 0, c, a.length, b.length);
          return c;
        });
  }
}

package io.bocomp.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import io.bocomp.data.Dataset;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.MnistNets;
import io.bocomp.testing.OrtReference;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning a model with quantized weights (a 2-bit conv, 3-bit SVD factors in groups of 32, an
 * 8-bit pruned layer): the forward pass reads the quantized latent, distillation moves it toward
 * the original through the straight-through estimator, and the written model keeps every weight's
 * bit width and scales, its codes within range, and runs in ONNX Runtime with bocomp's outputs.
 */
class QuantizedFineTuningTest {
  @TempDir static Path dir;
  static Model original;
  static Model quantized;
  static Dataset data;

  @BeforeAll
  static void compress() throws Exception {
    original = ModelLoader.prepare(Model.of(MnistNets.smallCnn(6, true, false)));
    CompressibleModel cm = CompressibleModel.of(original);
    ModelFactors f = new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), dir)
        .compute(cm);
    Graph g = CompressionPlan.of(List.of(PlanEntry.quantize("conv2", 2, 0),
        PlanEntry.svdRank("fc1", 12).withBits(3, 32), PlanEntry.prune("fc2", 0.5).withBits(8, 0)))
        .apply(cm.graph(), f, ApplyOptions.defaults()).graph();
    Path file = dir.resolve("quantized.onnx");
    OnnxExporter.write(original.withGraph(g), file);
    quantized = ModelLoader.load(file);
    data = ModelLoader.defaultSample().head(256);
  }

  private static double distance(Model m) {
    return DistanceStats.compute(Distillation.outputs(m, data.images()),
        Distillation.outputs(original, data.images())).mean();
  }

  @Test
  void theBitWidthsSurviveDistillationThroughTheStraightThroughEstimator() throws Exception {
    Map<String, QuantizedTensor> before = quantized.quantizedWeights();
    assertThat(before).hasSize(4);
    TrainingGraph g = TrainingGraph.compile(quantized, true);
    assertThat(g.parameters().stream().filter(p -> p.quantization() != null)).hasSize(4);
    // the forward pass of the training graph is the quantized model's
    Tensor x = data.head(8).images();
    FloatBuffer fw = g.forward(g.newWorkspace(), x, 0, 8);
    Tensor engine = Distillation.outputs(quantized, x);
    for (int i = 0; i < engine.size(); i++) {
      assertThat(Math.abs(fw.get(i) - engine.get(i))).isLessThan(1e-4f * (1 + Math.abs(engine.get(i))));
    }
    Distillation.Outcome o = Distillation.run(quantized, "quantized", original, "original", data,
        new Distillation.Settings(3, 32, 0.002f, "sgd", 0.9f, 0f, "cosine", 1, 0.1f,
            Loss.Kind.MSE, 1f, 1f, 1, 2, 0), new FineTuner.Listener() {}, () -> false);
    assertThat(o.result().status()).isEqualTo(FineTuner.Status.COMPLETED);
    double d0 = distance(quantized);
    double d1 = distance(o.model());
    assertThat(d1).as("distance before %s, after %s", d0, d1).isLessThan(0.8 * d0);

    Path file = dir.resolve("finetuned.onnx");
    OnnxExporter.write(o.model(), file);
    Model back = ModelLoader.load(file);
    Map<String, QuantizedTensor> after = back.quantizedWeights();
    assertThat(after.keySet()).isEqualTo(before.keySet());
    boolean changed = false;
    for (Map.Entry<String, QuantizedTensor> e : before.entrySet()) {
      QuantizedTensor b = e.getValue();
      QuantizedTensor a = after.get(e.getKey());
      assertThat(a.codes().elemType()).isEqualTo(b.codes().elemType());
      assertThat(a.scales().contentEquals(b.scales())).as(e.getKey() + " scales").isTrue();
      assertThat(a.blockSize()).isEqualTo(b.blockSize());
      long qmax = QuantizedTensor.qmax(b.bits());
      for (long c : a.codes().toLongArray()) {
        assertThat(Math.abs(c)).as(e.getKey()).isLessThanOrEqualTo(qmax);
      }
      assertThat(a.bits()).as(e.getKey() + " bits").isLessThanOrEqualTo(b.bits());
      changed |= !a.codes().contentEquals(b.codes());
    }
    assertThat(changed).as("training moved some codes").isTrue();
    try (OrtReference r = new OrtReference(Files.readAllBytes(file))) {
      assertThat(OrtReference.relativeDifference(Distillation.outputs(back, x), r.runFirst(x)))
          .isLessThan(1e-5);
    }
  }
}

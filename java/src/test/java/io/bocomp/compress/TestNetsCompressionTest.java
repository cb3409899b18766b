package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.compress.cost.AnalyticCost;
import io.bocomp.compress.cost.GraphCost;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.model.onnx.OnnxImporter;
import io.bocomp.testing.OrtReference;
import io.bocomp.testing.TestNets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compression of real topologies (ResNet-18, VGG-16, a MobileNet-style net from
 * {@link TestNets}): what is compressible, full-rank exactness through bocomp's engine, and
 * compressed models that run in ONNX Runtime with the engine's outputs and the reported costs.
 */
class TestNetsCompressionTest {
  private static final CpuDecompositions DEC = new CpuDecompositions();

  private static ModelFactors factors(Model m) {
    return new FactorCache(DEC, FactorCache.Settings.defaults(), null)
        .compute(CompressibleModel.of(m));
  }

  @Test
  void resnetResidualOutputsBlockFilterPruningButBlockInternalsDoNot() {
    CompressibleModel m = CompressibleModel.of(TestNets.resnet18Shaped(32, 1));
    assertThat(m.layer("layer2.0.conv1").get().methods())
        .containsExactlyInAnyOrder(Method.TUCKER2, Method.PRUNE, Method.FILTER_PRUNE,
            Method.QUANTIZE);
    assertThat(m.layer("layer2.0.conv2").get().filterPruneBlocker()).contains("residual");
    assertThat(m.layer("layer2.0.downsample.0").get().methods())
        .containsExactlyInAnyOrder(Method.SVD, Method.PRUNE, Method.QUANTIZE);
    assertThat(m.layer("conv1").get().filterPruneBlocker()).contains("residual");
    assertThat(m.layers()).hasSize(21); // 20 convs + fc
  }

  @Test
  void fullRankFactorizationOfEveryLayerMatchesTheOriginalThroughTheEngine() {
    Model model = TestNets.resnet18Shaped(32, 2);
    ModelFactors f = factors(model);
    List<PlanEntry> entries = new ArrayList<>();
    for (CompressibleLayer l : f.model().layers()) {
      entries.add(l.methods().contains(Method.TUCKER2)
          ? PlanEntry.tucker2(l.name(), l.inputs(), l.outputs())
          : PlanEntry.svdRank(l.name(), Math.min(l.inputs(), l.outputs())));
    }
    CompressionResult r = CompressionPlan.of(entries).apply(model.graph(), f,
        ApplyOptions.defaults().withKeepDenseIfNotCheaper(false));
    Tensor x = TestNets.randomInput(model, 3, 4);
    try (CpuBackend cpu = new CpuBackend();
        Executable orig = cpu.compile(model);
        Executable comp = cpu.compile(model.withGraph(r.graph()))) {
      assertThat(OrtReference.relativeDifference(comp.run(x), orig.run(x))).isLessThan(1e-4);
    }
  }

  @Test
  void compressedModelsRunInOnnxRuntimeWithTheEngineOutputsAndReportedCosts() {
    check(TestNets.resnet18Shaped(32, 3), List.of(PlanEntry.tucker2("layer1.0.conv1", 4, 4),
        PlanEntry.filterPrune("layer2.0.conv1", 0.5), PlanEntry.energy("layer3.1.conv2",
            Method.TUCKER2, 0.9), PlanEntry.svdRank("layer4.0.downsample.0", 16),
        PlanEntry.prune("layer4.1.conv2", 0.8), PlanEntry.svdRank("fc", 4)));
    check(TestNets.vgg16Shaped(32, 4), List.of(PlanEntry.filterPrune("features.0", 0.5),
        PlanEntry.tucker2("features.1", 8, 8), PlanEntry.filterPrune("features.16", 0.25),
        PlanEntry.svdRank("classifier.0", 32), PlanEntry.filterPrune("classifier.3", 0.5)));
    check(TestNets.mobileNetStyle(32, 5), List.of(PlanEntry.prune("blocks.1.dw", 0.5),
        PlanEntry.svdRank("blocks.3.pw", 8), PlanEntry.filterPrune("head.conv", 0.5),
        PlanEntry.svdRank("classifier", 4)));
  }

  private static void check(Model model, List<PlanEntry> entries) {
    ModelFactors f = factors(model);
    CompressionResult r = CompressionPlan.of(entries).apply(model.graph(), f,
        ApplyOptions.defaults());
    Model compressed = model.withGraph(r.graph());
    byte[] file = OnnxExporter.toBytes(compressed);
    Model back = OnnxImporter.read(file, model.graph().name(), null);
    assertThat(GraphCost.params(back.graph())).isEqualTo(AnalyticCost.totalParams(r.plan()))
        .isLessThan(f.model().params());
    assertThat(GraphCost.macs(back.graph(), back.opset()))
        .isEqualTo(AnalyticCost.totalMacs(r.plan()));
    Tensor x = TestNets.randomInput(model, 2, 6);
    try (OrtReference ort = new OrtReference(file);
        CpuBackend cpu = new CpuBackend();
        Executable e = cpu.compile(compressed)) {
      assertThat(OrtReference.relativeDifference(e.run(x), ort.runFirst(x)))
          .as(model.graph().name()).isLessThan(1e-4);
    }
  }
}

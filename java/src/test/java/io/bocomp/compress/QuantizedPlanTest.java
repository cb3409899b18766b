package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.ModelLoader;
import io.bocomp.compress.cost.AnalyticCost;
import io.bocomp.compress.cost.GraphCost;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.QuantizedWeights;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.Onnx;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.ClassCpuBackend;
import io.bocomp.testing.OrtReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans with bit widths: the JSON contract and its refusals; every method combined with
 * quantization (a quantized dense weight, Tucker-2 and SVD factors, a pruned weight, filter
 * pruning, a grouped conv, per-group FC scales); the exported file runs in ONNX Runtime and
 * matches bocomp's float evaluation of the in-memory plan; its weight bytes equal the reported
 * bytes; the analytic params/MACs/bytes equal the graph's; and loading the file folds the
 * dequantization to exactly the weights evaluated, reporting each weight's bits.
 */
class QuantizedPlanTest {
  @TempDir Path dir;
  @RegisterExtension static final ClassCpuBackend cpu = new ClassCpuBackend(2);

  private static final ModelFactors FACTORS = new FactorCache(new CpuDecompositions(),
      FactorCache.Settings.defaults(), null).compute(CompressibleModel.of(Nets.plain(1), 17));

  @Test
  void bitsAndGroupsRoundTripThroughThePlanJson() {
    String json = "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"rank\": 4, \"bits\": 4,"
        + " \"group\": 32}, {\"name\": \"conv1\", \"method\": \"quantize\", \"bits\": 3},"
        + " {\"name\": \"fc2\", \"method\": \"prune\", \"fraction\": 0.5, \"bits\": 8}]}";
    CompressionPlan p = CompressionPlan.parse(json, "p.json");
    assertThat(p.entries()).containsExactly(PlanEntry.svdRank("fc1", 4).withBits(4, 32),
        PlanEntry.quantize("conv1", 3, 0), PlanEntry.prune("fc2", 0.5).withBits(8, 0));
    assertThat(CompressionPlan.parse(p.toJson(), "again").entries()).isEqualTo(p.entries());
    ResolvedPlan r = p.resolve(FACTORS, ApplyOptions.defaults());
    assertThat(r.choice("fc1").bits()).isEqualTo(4);
    assertThat(r.choice("fc1").group()).isEqualTo(32);
    assertThat(r.choice("conv1").method()).isNull();
    assertThat(r.choice("conv1").bits()).isEqualTo(3);
    assertThat(r.choice("conv1").untouched()).isFalse();
    assertThat(r.choice("conv2").untouched()).isTrue();
  }

  @Test
  void badBitWidthsAndGroupsNameTheEntry() {
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"quantize\", \"bits\": 7}]}", "p.json"))
        .isInstanceOf(InvalidPlanException.class).hasMessage("p.json: entry 1 ('fc1'): unsupported"
            + " bit width 7 (bocomp quantizes weights to 2, 3, 4, 5, 6 or 8 bits)");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"quantize\"}]}", "p.json"))
        .hasMessageContaining("method quantize needs \"bits\"");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"quantize\", \"bits\": 4, \"rank\": 2}]}",
        "p.json")).hasMessageContaining("method quantize takes no parameter but \"bits\"");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"rank\": 2, \"group\": 32}]}",
        "p.json")).hasMessageContaining("\"group\" needs \"bits\"");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"quantize\", \"bits\": 4, \"group\": 16}]}",
        "p.json")).hasMessageContaining("group 16 must be 32, 64 or 128");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"quantize\", \"bits\": 4.5}]}", "p.json"))
        .hasMessageContaining("\"bits\" must be an integer");
    assertThatThrownBy(() -> CompressionPlan.parse("{\"layers\": [{\"name\": \"conv2\","
        + " \"method\": \"quantize\", \"bits\": 4, \"group\": 32}]}", "p.json")
        .resolve(FACTORS, ApplyOptions.defaults()))
        .hasMessageContaining("group 32 applies to Gemm/MatMul weights; Conv layer 'conv2' is"
            + " quantized per output channel");
  }

  @Test
  void everyMethodQuantizesItsWeightsAndTheFileMatchesTheReport() throws Exception {
    check(Nets.plain(31), new int[] {2, 3, 10, 10}, List.of(
        PlanEntry.quantize("conv1", 8, 0),
        PlanEntry.tucker2("conv2", 3, 4).withBits(3, 0),
        PlanEntry.svdRank("conv3", 3).withBits(4, 0),
        PlanEntry.svdRank("fc1", 4).withBits(4, 32),
        PlanEntry.prune("fc2", 0.5).withBits(2, 0)), 25);
    check(Nets.mixed(32), new int[] {1, 4, 8, 8}, List.of(
        PlanEntry.quantize("dw", 4, 0),
        PlanEntry.filterPrune("conv5", 0.5).withBits(6, 0),
        PlanEntry.quantize("mm1", 5, 64),
        PlanEntry.svdRank("mm2", 2).withBits(3, 32)), 21);
    check(Nets.plain(33), new int[] {2, 3, 10, 10}, List.of(
        PlanEntry.quantize("conv2", 8, 0), PlanEntry.quantize("fc1", 5, 0)), 17);
  }

  private void check(Graph g, int[] inputShape, List<PlanEntry> entries, long opset)
      throws Exception {
    CompressibleModel m = CompressibleModel.of(g, 17);
    ModelFactors f = new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), dir)
        .compute(m);
    CompressionResult r = CompressionPlan.of(entries).apply(g, f,
        ApplyOptions.defaults().withKeepDenseIfNotCheaper(false));
    PlanApplyTest.assertCostsMatchTheGraph(r, m);
    int quantizedTensors = 0;
    for (Node n : r.graph().nodes()) {
      quantizedTensors += n.opType().equals("DequantizeLinear") ? 1 : 0;
    }
    Path file = dir.resolve(g.name() + "-" + opset + ".onnx");
    OnnxExporter.write(Model.of(r.graph()), file);
    Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
    assertThat(proto.getOpsetImport(0).getVersion()).as("opset the quantized types need")
        .isEqualTo(opset);
    long fileBytes = 0;
    for (Onnx.TensorProto t : proto.getGraph().getInitializerList()) {
      fileBytes += t.getRawData().size();
    }
    long reported = AnalyticCost.totalBytes(r.plan());
    assertThat((double) Math.abs(fileBytes - reported)).as("file %d vs reported %d bytes",
        fileBytes, reported).isLessThanOrEqualTo(0.01 * reported);
    assertThat(fileBytes).isEqualTo(reported);

    Tensor x = Reference.gaussian(34, inputShape);
    Tensor inMemory;
    try (Executable e = cpu.get().compile(r.graph(), 17)) {
      inMemory = e.run(Map.of("x", x), List.of(g.outputs().get(0).name()))
          .get(g.outputs().get(0).name());
    }
    try (OrtReference ort = new OrtReference(Files.readAllBytes(file))) {
      assertThat(OrtReference.relativeDifference(inMemory, ort.runFirst(x)))
          .as("bocomp's float evaluation of the plan vs ONNX Runtime on the file")
          .isLessThan(1e-5);
    }
    Model back = ModelLoader.load(file);
    assertThat(back.quantizedWeights()).hasSize(quantizedTensors);
    assertThat(back.graph().nodes()).noneMatch(n -> n.opType().equals("DequantizeLinear"));
    for (LayerChoice c : r.plan().choices()) {
      if (c.quantized()) {
        assertThat(back.quantizedWeights().values()).anyMatch(q -> q.bits() == c.bits());
      }
    }
    Graph folded = QuantizedWeights.fold(r.graph());
    for (String name : back.quantizedWeights().keySet()) {
      assertThat(back.graph().initializer(name).contentEquals(folded.initializer(name)))
          .as("weight '%s' folded at load equals the one evaluated", name).isTrue();
    }
    try (Executable e = cpu.get().compile(back)) {
      Tensor reloaded = e.run(Map.of("x", x), List.of(g.outputs().get(0).name()))
          .get(g.outputs().get(0).name());
      // equal up to the float rounding of the BatchNorm folding the loader does
      assertThat(OrtReference.relativeDifference(reloaded, inMemory)).as("folded at load")
          .isLessThan(1e-5);
    }
    for (QuantizedTensor q : back.quantizedWeights().values()) {
      assertThat(QuantizedTensor.qmax(q.bits()))
          .isGreaterThanOrEqualTo((int) java.util.Arrays.stream(q.codes().toLongArray())
              .map(Math::abs).max().orElse(0));
    }
  }
}

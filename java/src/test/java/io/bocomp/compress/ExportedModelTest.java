package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.compress.cost.AnalyticCost;
import io.bocomp.compress.cost.GraphCost;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.model.onnx.OnnxImporter;
import io.bocomp.testing.OrtReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compressed models written to ONNX files: what the file holds is what the cost models report. */
class ExportedModelTest {
  @TempDir Path dir;

  @Test
  void exportedFilesReimportWithTheReportedCostsAndRunInOnnxRuntime() throws Exception {
    check(Nets.plain(21), new int[] {2, 3, 10, 10}, List.of(PlanEntry.tucker2("conv1", 2, 4),
        PlanEntry.filterPrune("conv2", 0.25), PlanEntry.svdRank("conv3", 3),
        PlanEntry.prune("fc1", 0.7), PlanEntry.energy("fc2", Method.SVD, 0.5)));
    check(Nets.mixed(22), new int[] {1, 4, 8, 8}, List.of(PlanEntry.prune("dw", 0.5),
        PlanEntry.tucker2("conv2", 3, 3), PlanEntry.svdRank("conv3", 2),
        PlanEntry.filterPrune("conv5", 0.5), PlanEntry.svdRank("mm1", 4),
        PlanEntry.prune("mm2", 0.25)));
  }

  private void check(Graph g, int[] inputShape, List<PlanEntry> entries) throws Exception {
    CompressibleModel m = CompressibleModel.of(g, 17);
    ModelFactors f = new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), dir)
        .compute(m);
    CompressionResult r = CompressionPlan.of(entries).apply(g, f, ApplyOptions.defaults());
    Path file = dir.resolve(g.name() + "-compressed.onnx");
    OnnxExporter.write(Model.of(r.graph()), file);
    Model back = OnnxImporter.read(file);
    Graph bg = back.graph();
    assertThat(GraphCost.params(bg)).isEqualTo(AnalyticCost.totalParams(r.plan()));
    assertThat(GraphCost.macs(bg, back.opset())).isEqualTo(AnalyticCost.totalMacs(r.plan()));
    assertThat(GraphCost.bytes(bg)).isEqualTo(AnalyticCost.totalBytes(r.plan()));
    assertThat(AnalyticCost.totalParams(r.plan())).isLessThan(m.params());
    // The compressed model is a model like any other: it can be analysed and compressed again.
    assertThat(CompressibleModel.of(back).params()).isEqualTo(GraphCost.params(bg));
    Tensor x = Reference.gaussian(23, inputShape);
    try (OrtReference ort = new OrtReference(Files.readAllBytes(file))) {
      Tensor fromFile = ort.runFirst(x);
      assertThat(OrtReference.relativeDifference(fromFile, OrtRunner.run(r.graph(), x))).isZero();
      assertThat(fromFile.shape()).isEqualTo(OrtRunner.run(g, x).shape());
    }
  }
}

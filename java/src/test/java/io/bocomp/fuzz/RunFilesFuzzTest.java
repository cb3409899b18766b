package io.bocomp.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.model.Model;
import io.bocomp.tune.HtmlReport;
import io.bocomp.tune.Journal;
import io.bocomp.tune.RunConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Fuzz targets for the files a user or an earlier run hands back to bocomp: plan JSON (parsed,
 * validated against a small CNN and applied to it, as {@code compress --plan} does), run files
 * ({@code tune --config}: parsed into a builder, then validated by {@code build()}), and journals
 * (read back and replayed into a report, as {@code bocomp report} and {@code tune --resume} read
 * them). Only the documented errors may escape ({@link FuzzChecks}). The corpora are in {@code
 * RunFilesFuzzTestInputs/<method>}.
 */
@EnabledIf(value = "io.bocomp.fuzz.FuzzChecks#jazzerCanLoad",
    disabledReason = FuzzChecks.NO_AGENT)
class RunFilesFuzzTest {
  /** The 12 KB torch-exported CNN of the import tests and its factors, computed once. */
  private static final Model MODEL;
  private static final CompressibleModel CM;
  private static final ModelFactors FACTORS;

  static {
    try (InputStream in = RunFilesFuzzTest.class.getResourceAsStream(
        "/io/bocomp/model/onnx/torch_tiny_cnn_opset13.onnx")) {
      MODEL = ModelLoader.load(in.readAllBytes(), "torch_tiny_cnn_opset13.onnx");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CM = CompressibleModel.of(MODEL);
    FACTORS = FactorCache.withDefaults(new CpuDecompositions()).compute(CM);
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzPlanJson(byte[] json) {
    FuzzChecks.assertOnlyDocumentedErrors(() -> {
      CompressionPlan p = CompressionPlan.parse(new String(json, StandardCharsets.UTF_8),
          "fuzz-plan.json");
      p.validate(CM);
      p.apply(MODEL.graph(), FACTORS, ApplyOptions.defaults());
    });
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzRunFile(byte[] json) {
    FuzzChecks.assertOnlyDocumentedErrorsOnFile("run.json", json, f -> {
      RunConfig.Builder b = RunConfig.builder();
      RunConfig.readRunFile(f, b);
      b.build();
    });
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzJournal(byte[] journal) {
    FuzzChecks.assertOnlyDocumentedErrorsOnFile(Journal.FILE, journal, f -> HtmlReport.rerender(f.getParent()));
  }
}

package io.bocomp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.SupportedOps;
import org.junit.jupiter.api.Test;

/**
 * The importer's list of supported ops ({@link SupportedOps}, which its "unsupported op" message
 * prints) is exactly what the CPU backend runs and what shape inference knows: an op the importer
 * accepts always runs, and an op that runs is never refused at import.
 */
class SupportedOpsAgreementTest {

  @Test
  void theImporterListIsWhatTheCpuBackendRuns() {
    assertThat(CpuBackend.supportedOps()).containsExactlyElementsOf(SupportedOps.OPS);
  }

  @Test
  void theImporterListIsWhatShapeInferenceKnows() {
    assertThat(ShapeInference.supportedOps()).containsExactlyElementsOf(SupportedOps.OPS);
  }
}

package io.bocomp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.op.OpTable;
import io.bocomp.train.TrainingGraph;
import org.junit.jupiter.api.Test;

/**
 * One op table ({@link OpTable}) is the source of every "supported" list: the importer accepts
 * exactly its ops, shape inference knows exactly its ops, the CPU backend (the reference
 * executor) runs every one of them, and the other executors register subsets of it.
 */
class SupportedOpsAgreementTest {

  @Test
  void theCpuBackendRunsEveryOpOfTheTable() {
    assertThat(CpuBackend.ops()).containsExactlyElementsOf(OpTable.names());
  }

  @Test
  void shapeInferenceKnowsExactlyTheTable() {
    assertThat(ShapeInference.supportedOps()).containsExactlyElementsOf(OpTable.names());
  }

  @Test
  void trainingRegistersASubsetOfTheTable() {
    assertThat(OpTable.names()).containsAll(TrainingGraph.OPS);
  }
}

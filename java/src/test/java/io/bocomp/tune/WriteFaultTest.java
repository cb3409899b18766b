package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.AtomicFiles;
import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes that fail while a run writes its outputs, injected with {@link AtomicFiles#injectFault}:
 * {@code compressed.onnx} failing midway (a full disk) and {@code report.html} refused (a read-only
 * directory, which root cannot make). Each is one clear error naming the file; nothing half-written
 * is left (no partial file, no temporary file); the journal stays whole, and {@code --resume}
 * then writes the same outputs as a run that never failed.
 */
class WriteFaultTest {
  private static Tuner.Inputs inputs;

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    inputs = DefaultModelRuns.unlabeledInputs(64);
  }

  private static TuneResult run(Path out, boolean resume) {
    return DefaultModelRuns.run(inputs,
        DefaultModelRuns.quarterOfParams(6, 16, 4).build(), out, resume, t -> TuneListener.NONE);
  }

  private static List<String> files(Path d) throws Exception {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(RunLock.FILE))
          .sorted().toList();
    }
  }

  @Test
  void aModelWriteFailingMidwayLeavesNoPartialFileAndTheRunResumesToTheSameOutputs()
      throws Exception {
    Path clean = dir.resolve("clean");
    run(clean, false);

    Path out = dir.resolve("faulty");
    try (AutoCloseable f = AtomicFiles.injectFault(ResultWriter.MODEL_FILE, 4096)) {
      assertThatThrownBy(() -> run(out, false)).isInstanceOf(BocompException.class)
          .hasMessageContaining(ResultWriter.MODEL_FILE)
          .hasMessageContaining("cannot write (injected fault: write failed midway)")
          .hasMessageNotContaining("\n");
    }
    assertThat(files(out)).as("no compressed.onnx, no temporary file, no result")
        .containsExactly(Journal.FILE);
    assertThat(Journal.read(out.resolve(Journal.FILE)).droppedTail()).isFalse();

    run(out, true);
    assertThat(out.resolve(ResultWriter.MODEL_FILE)).hasSameBinaryContentAs(
        clean.resolve(ResultWriter.MODEL_FILE));
    assertThat(files(out)).containsExactly(ResultWriter.MODEL_FILE, Journal.FILE,
        ResultWriter.REPORT_FILE, ResultWriter.RESULT_FILE);
  }

  @Test
  void aReportRefusedAsInAReadOnlyDirectoryIsOneErrorLineAndNothingHalfWritten()
      throws Exception {
    Path out = dir.resolve("ro");
    try (AutoCloseable f = AtomicFiles.injectFault(ResultWriter.REPORT_FILE, -1)) {
      assertThatThrownBy(() -> run(out, false)).isInstanceOf(BocompException.class)
          .hasMessage(out.resolve(ResultWriter.REPORT_FILE) + ": cannot write (permission denied)");
    }
    // compressed.onnx was written whole before; report.html and result.json (written last, the
    // mark of a finished run) not at all, so the run is resumed, not taken as done
    assertThat(files(out)).containsExactly(ResultWriter.MODEL_FILE, Journal.FILE);
    assertThat(ModelLoader.load(out.resolve(ResultWriter.MODEL_FILE)).graph().nodes())
        .isNotEmpty();
  }
}

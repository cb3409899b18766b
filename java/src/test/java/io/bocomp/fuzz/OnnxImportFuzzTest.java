package io.bocomp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bocomp.ModelLoader;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Fuzz target for the ONNX importer and the model preparation that follows it (opset forms,
 * graph optimization, constant folding, shape inference) and the compressible-layer analysis that
 * {@code inspect} and {@code tune} run on every model: {@link ModelLoader#load(byte[], String)}
 * then {@link CompressibleModel#of}. Only the documented errors may escape ({@link FuzzChecks}).
 *
 * <p>{@code mvn verify} replays the committed corpus in {@code OnnxImportFuzzTestInputs/fuzzImport}
 * (small exported models, the inputs of fixed findings, tiny files declaring huge tensors);
 * {@code mvn -P fuzz verify} fuzzes from it (see {@code docs/fuzzing.md}). The real exports of
 * {@code io/bocomp/zoo} are too large for a libFuzzer corpus (0.1 to 1 MB each); {@link
 * #zooModelsAndTheirTruncationsAreHandled} runs the same target on them and on cut copies.
 */
class OnnxImportFuzzTest {
  @EnabledIf(value = "io.bocomp.fuzz.FuzzChecks#jazzerCanLoad",
      disabledReason = FuzzChecks.NO_AGENT)
  @FuzzTest(maxDuration = "60s")
  void fuzzImport(byte[] onnx) {
    FuzzChecks.assertOnlyDocumentedErrors(() -> {
      Model m = ModelLoader.load(onnx, "fuzz.onnx");
      CompressibleModel.of(m);
    });
  }

  @Test
  void zooModelsAndTheirTruncationsAreHandled() throws IOException {
    Path zoo = Path.of("src/test/resources/io/bocomp/zoo");
    List<Path> files;
    try (Stream<Path> s = Files.list(zoo)) {
      files = s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    for (Path f : files) {
      byte[] b = Files.readAllBytes(f);
      // the whole model loads; cut copies fail with a documented error or load
      assertThat(CompressibleModel.of(ModelLoader.load(b, f.toString())).layers()).isNotEmpty();
      for (int cut : new int[] {1, 17, b.length / 3, b.length / 2, b.length - 5}) {
        fuzzImport(java.util.Arrays.copyOf(b, cut));
      }
    }
  }
}

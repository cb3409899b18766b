package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.model.onnx.Onnx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on quantized models: {@code compress} writes one whose file weights take the bytes
 * it reports, {@code inspect} shows each layer's bits and errors, and {@code tune} and {@code
 * compress} refuse a model that already holds quantized weights, an unsupported bit width and a
 * budget below the lowest width, each with one line and exit status 2.
 */
class QuantizedModelCommandsTest {
  private static final String FC1 = "/classifier/classifier.2/Gemm";
  private static final String PLAN = "{\"layers\": ["
      + "{\"name\": \"/features/features.3/Conv\", \"method\": \"quantize\", \"bits\": 4},"
      + "{\"name\": \"" + FC1 + "\", \"method\": \"svd\", \"rank\": 64, \"bits\": 2, \"group\": 64},"
      + "{\"name\": \"/classifier/classifier.5/Gemm\", \"method\": \"quantize\", \"bits\": 8}]}";

  @TempDir Path dir;
  private Path model;

  @BeforeEach
  void copyDefaultModel() throws Exception {
    model = CliRunner.copyDefaultModel(dir);
  }

  @Test
  void compressReportsTheFileBytesAndInspectShowsTheBits() throws Exception {
    Path plan = dir.resolve("plan.json");
    Files.writeString(plan, PLAN);
    Path out = dir.resolve("q.onnx");
    CliRunner r = CliRunner.run("compress", model.toString(), "--plan", plan.toString(), "--out",
        out.toString(), "--cache-dir", dir.resolve("cache").toString(), "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    long reported = new ObjectMapper().readTree(r.out).path("bytes").path("compressed").asLong();
    long fileBytes = 0;
    for (Onnx.TensorProto t : Onnx.ModelProto.parseFrom(Files.readAllBytes(out)).getGraph()
        .getInitializerList()) {
      fileBytes += t.getRawData().size();
    }
    assertThat(fileBytes).isEqualTo(reported);

    CliRunner i = CliRunner.run("inspect", out.toString(), "--no-energy", "--json");
    assertThat(i.exitCode).as(i.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(i.out);
    assertThat(j.path("totals").path("stored_weight_bytes").asLong()).isEqualTo(reported);
    assertThat(j.path("totals").path("quantized_weights").asInt()).isEqualTo(4);
    JsonNode conv = j.path("compressible").get(1);
    assertThat(conv.path("bits").asInt()).isEqualTo(4);
    // a weight stored at 4 bits lies on a 4-bit grid: requantizing it at 4 bits loses nothing
    assertThat(conv.path("quant_errors").path("4").asDouble()).isLessThan(1e-6);
    JsonNode errors = j.path("compressible").get(2).path("quant_errors"); // a float layer
    assertThat(j.path("compressible").get(2).has("bits")).isFalse();
    assertThat(errors.path("8").asDouble()).isPositive().isLessThan(errors.path("4").asDouble());
    assertThat(errors.path("4").asDouble()).isLessThan(errors.path("2").asDouble());
    CliRunner text = CliRunner.run("inspect", out.toString(), "--no-energy");
    assertThat(text.out).contains("stored bits").contains("stored    " + String.format(
        java.util.Locale.ROOT, "%,d", reported) + " bytes");

    for (String cmd : new String[] {"tune", "compress"}) {
      CliRunner again = cmd.equals("tune")
          ? CliRunner.run("tune", out.toString(), "--out", dir.resolve("run").toString())
          : CliRunner.run("compress", out.toString(), "--plan", plan.toString(), "--out",
              dir.resolve("twice.onnx").toString());
      assertThat(again.exitCode).as(again.toString()).isEqualTo(2);
      assertThat(again.err).contains("already holds quantized weights (4: '")
          .contains("4-bit (int4)").contains(cmd + " compresses float models");
      assertThat(dir.resolve("run")).doesNotExist();
      assertThat(dir.resolve("twice.onnx")).doesNotExist();
    }
  }

  @Test
  void badWidthsAndUnreachableBudgetsAreOneLineErrors() {
    CliRunner bits = CliRunner.run("tune", model.toString(), "--bits", "4,7", "--max-bytes",
        "0.2", "--out", dir.resolve("a").toString());
    assertThat(bits.exitCode).as(bits.toString()).isEqualTo(2);
    assertThat(bits.err).contains("unsupported bit width 7");
    CliRunner low = CliRunner.run("tune", model.toString(), "--method", "quantize",
        "--max-bytes", "0.04", "--out", dir.resolve("b").toString(), "--cache-dir",
        dir.resolve("cache").toString());
    assertThat(low.exitCode).as(low.toString()).isEqualTo(2);
    assertThat(low.err).contains("--max-bytes 0.04 is below what compression reaches");
    assertThat(dir.resolve("a")).doesNotExist();
    assertThat(dir.resolve("b")).doesNotExist();
  }

  @Test
  void badPlanWidthsGroupsAndJointBudgetsAreOneLineErrorsWithNothingWritten() throws Exception {
    Path plan = dir.resolve("seven.json");
    Files.writeString(plan, "{\"layers\": [{\"name\": \"/features/features.3/Conv\", "
        + "\"method\": \"quantize\", \"bits\": 7}]}");
    Path out = dir.resolve("q.onnx");
    CliRunner seven = CliRunner.run("compress", model.toString(), "--plan", plan.toString(),
        "--out", out.toString(), "--cache-dir", dir.resolve("cache").toString());
    assertThat(seven.exitCode).as(seven.toString()).isEqualTo(2);
    assertThat(errorLine(seven)).startsWith("bocomp: error: " + plan)
        .contains("'/features/features.3/Conv'").contains("unsupported bit width 7");
    assertThat(out).doesNotExist();

    CliRunner group = CliRunner.run("tune", model.toString(), "--bits", "4", "--quant-group",
        "48", "--max-bytes", "0.2", "--out", dir.resolve("g").toString());
    assertThat(group.exitCode).as(group.toString()).isEqualTo(2);
    assertThat(errorLine(group))
        .contains("--quant-group must be 32, 64 or 128").contains("got 48");
    assertThat(dir.resolve("g")).doesNotExist();

    // ranks and bits together: the floor is every searched layer at its lowest rank and 2 bits
    CliRunner low = CliRunner.run("tune", model.toString(), "--bits", "2,4", "--max-bytes",
        "0.001", "--out", dir.resolve("j").toString(), "--cache-dir",
        dir.resolve("cache").toString());
    assertThat(low.exitCode).as(low.toString()).isEqualTo(2);
    assertThat(errorLine(low))
        .contains("--max-bytes 0.001 is below what compression reaches");
    assertThat(dir.resolve("j")).doesNotExist();
  }

  @Test
  void compressWithInt8ActivationsWritesAQdqModelOnnxRuntimeRuns() throws Exception {
    Path plan = dir.resolve("plan.json");
    Files.writeString(plan, PLAN);
    Path images = dir.resolve("x.npy");
    io.bocomp.data.Dataset sample = ModelLoader.defaultSample().head(60);
    io.bocomp.data.Npy.write(sample.images(), images);
    Path out = dir.resolve("qdq.onnx");
    CliRunner r = CliRunner.run("compress", model.toString(), "--plan", plan.toString(), "--out",
        out.toString(), "--images", images.toString(), "--activations", "int8", "--calibrate",
        "50", "--cache-dir", dir.resolve("cache").toString(), "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out);
    // conv2 (4-bit codes) and fc1's two SVD factors (2-bit) stay float kernels; the four other
    // convs, fc2 (8-bit codes) and the float classifier get 8-bit inputs and weights
    assertThat(j.path("activations").path("integer_layers").asInt()).isEqualTo(6);
    assertThat(j.path("activations").path("notes").toString()).contains(FC1)
        .contains("/features/features.3/Conv");
    assertThat(j.path("distance").path("mean").asDouble()).isPositive();
    long quantizeNodes = Onnx.ModelProto.parseFrom(Files.readAllBytes(out)).getGraph()
        .getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear")).count();
    assertThat(quantizeNodes).isEqualTo(j.path("activations").path("quantized_tensors").asLong());
    try (io.bocomp.testing.OrtReference ort = new io.bocomp.testing.OrtReference(
        Files.readAllBytes(out))) {
      assertThat(ort.runFirst(sample.head(4).images()).shape()).containsExactly(4, 10);
    }

    CliRunner noImages = CliRunner.run("compress", model.toString(), "--plan", plan.toString(),
        "--out", dir.resolve("n.onnx").toString(), "--activations", "int8");
    assertThat(noImages.exitCode).isEqualTo(2);
    assertThat(errorLine(noImages)).contains("--activations int8 needs --images");
    CliRunner bad = CliRunner.run("compress", model.toString(), "--plan", plan.toString(),
        "--out", dir.resolve("n.onnx").toString(), "--images", images.toString(),
        "--activations", "int16");
    assertThat(bad.exitCode).isEqualTo(2);
    assertThat(errorLine(bad)).contains("--activations must be float or int8, got 'int16'");
    assertThat(dir.resolve("n.onnx")).doesNotExist();
  }

  /** The one error line on stderr (INFO lines, e.g. the first decomposition, may precede it). */
  private static String errorLine(CliRunner r) {
    java.util.List<String> errors = r.err.lines().filter(l -> l.startsWith("bocomp: error:"))
        .toList();
    assertThat(errors).as(r.toString()).hasSize(1);
    assertThat(r.err.lines().filter(l -> !l.startsWith("bocomp: INFO:")).count())
        .as(r.toString()).isEqualTo(1);
    return errors.get(0);
  }
}

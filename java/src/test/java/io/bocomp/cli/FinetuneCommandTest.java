package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.model.Model;
import io.bocomp.model.onnx.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bocomp finetune} and {@code tune --finetune-epochs} end to end, and their bad inputs. */
class FinetuneCommandTest {
  private static final String SAMPLE = "../models/fashion-sample-images.idx.gz";
  private static final String LABELS = "../models/fashion-sample-labels.idx.gz";
  private static final String PLAN = "{\"layers\": ["
      + "{\"name\": \"/features/features.10/Conv\", \"method\": \"tucker2\", \"ranks\": [16, 16]},"
      + "{\"name\": \"/classifier/classifier.2/Gemm\", \"method\": \"svd\", \"rank\": 16},"
      + "{\"name\": \"/classifier/classifier.5/Gemm\", \"method\": \"prune\", \"fraction\": 0.5}]}";

  @TempDir static Path dir;
  static Path compressed;

  @BeforeAll
  static void compressDefaultModel() throws Exception {
    Path model = CliRunner.copyDefaultModel(dir);
    Path plan = dir.resolve("plan.json");
    Files.writeString(plan, PLAN);
    compressed = dir.resolve("compressed.onnx");
    CliRunner r = CliRunner.run("compress", model.toString(), "--plan", plan.toString(), "--out",
        compressed.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
  }

  @Test
  void finetunesWritesTheModelAndReportsEachEpoch() throws Exception {
    Path out = dir.resolve("ft.onnx");
    CliRunner r = CliRunner.run("finetune", compressed.toString(), "--images", SAMPLE, "--labels",
        LABELS, "--limit", "192", "--epochs", "2", "--batch", "32", "--lr", "0.002",
        "--eval-images", SAMPLE, "--eval-labels", LABELS, "--out", out.toString(), "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertThat(j.get("status").asText()).isEqualTo("completed");
    assertThat(j.get("epochs")).hasSize(2);
    assertThat(j.get("steps").asInt()).isEqualTo(12);
    assertThat(j.get("frozen_zeros").asLong()).isPositive();
    assertThat(j.get("epochs").get(1).get("top1").asDouble()).isBetween(0.5, 1.0);
    assertThat(j.get("top1_before").asDouble()).isBetween(0.1, 1.0);
    Model written = ModelLoader.load(out);
    assertThat(written.graph().nodes()).hasSameSizeAs(ModelLoader.load(compressed).graph().nodes());
  }

  @Test
  void badInputIsOneLineExitTwoAndWritesNothing() throws Exception {
    Path out = dir.resolve("never.onnx");
    String[][] cases = {
        {"--lr", "0"},
        {"--epochs", "-1"},
        {"--optimizer", "rmsprop"},
        {"--labels", LABELS},
        {"--eval-images", SAMPLE},
        {"--alpha", "2"},
        {"--loss", "hinge"},
    };
    for (String[] extra : cases) {
      String[] args = new String[5 + extra.length];
      args[0] = "finetune";
      args[1] = compressed.toString();
      args[2] = "--out";
      args[3] = out.toString();
      args[4] = "--quiet";
      System.arraycopy(extra, 0, args, 5, extra.length);
      CliRunner r = CliRunner.run(args);
      assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
      assertThat(r.err.strip().lines()).as(r.toString()).hasSize(1);
    }
    CliRunner self = CliRunner.run("finetune", compressed.toString(), "--out",
        compressed.toString());
    assertThat(self.exitCode).isEqualTo(2);
    assertThat(self.err).contains("would overwrite");
    CliRunner missing = CliRunner.run("finetune", dir.resolve("nope.onnx").toString());
    assertThat(missing.exitCode).isEqualTo(2);
    assertThat(missing.err).contains("nope.onnx");
    // a reference expecting samples of another shape is refused
    Path wrongIn = dir.resolve("wrong-input.onnx");
    io.bocomp.model.GraphBuilder b = new io.bocomp.model.GraphBuilder("w");
    String x = b.input("input", -1, 3, 28, 28);
    b.output(b.flatten(b.globalAveragePool(x), 1), -1, 3);
    OnnxExporter.write(b.buildModel(), wrongIn);
    CliRunner mismatch = CliRunner.run("finetune", compressed.toString(), "--reference",
        wrongIn.toString(), "--limit", "8", "--out", out.toString());
    assertThat(mismatch.exitCode).as(mismatch.toString()).isEqualTo(2);
    assertThat(mismatch.err).contains("[3, 28, 28]");
    assertThat(out).doesNotExist();
  }

  @Test
  void divergenceKeepsTheLastGoodWeightsAndSaysSo() {
    Path out = dir.resolve("diverged.onnx");
    CliRunner r = CliRunner.run("finetune", compressed.toString(), "--limit", "128", "--batch",
        "32", "--lr", "1e9", "--out", out.toString(), "--quiet");
    assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
    assertThat(r.err).contains("loss became").contains("wrote them to");
    assertThat(out).exists();
    assertThat(ModelLoader.load(out).graph().nodes()).isNotEmpty();
  }

  @Test
  void tuneFinetunesTheFinalModel() throws Exception {
    Path run = dir.resolve("run");
    CliRunner r = CliRunner.run("tune", "--trials", "6", "--samples", "16", "--out",
        run.toString(), "--finetune-epochs", "1", "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertThat(j.get("finetune").get("status").asText()).isEqualTo("completed");
    assertThat(j.get("finetune").get("n").asInt()).isEqualTo(2000);
    assertThat(run.resolve("finetuned.onnx")).exists();
    assertThat(run.resolve("finetune.json")).exists();
    assertThat(ModelLoader.load(run.resolve("finetuned.onnx")).graph().nodes())
        .hasSameSizeAs(ModelLoader.load(run.resolve("compressed.onnx")).graph().nodes());
  }
}

package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.cost.GraphCost;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.testing.OrtReference;
import io.bocomp.testing.TestNets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressCommandTest {
  private static final String SAMPLE = "../models/fashion-sample-images.idx.gz";
  private static final String PLAN = "{\"layers\": ["
      + "{\"name\": \"/features/features.3/Conv\", \"method\": \"tucker2\", \"ranks\": [8, 8]},"
      + "{\"name\": \"/features/features.7/Conv\", \"method\": \"filter_prune\", \"fraction\": 0.25},"
      + "{\"name\": \"/classifier/classifier.2/Gemm\", \"method\": \"svd\", \"rank\": 32},"
      + "{\"name\": \"/classifier/classifier.5/Gemm\", \"method\": \"prune\", \"fraction\": 0.5}]}";

  @TempDir Path dir;
  private Path model;

  @BeforeEach
  void copyDefaultModel() throws Exception {
    model = CliRunner.copyDefaultModel(dir);
  }

  private Path plan(String json) throws Exception {
    Path p = dir.resolve("plan.json");
    Files.writeString(p, json);
    return p;
  }

  @Test
  void compressesTheDefaultModelAndReportsWhatTheFileHolds() throws Exception {
    Path out = dir.resolve("out.onnx");
    CliRunner r = CliRunner.run("compress", model.toString(), "--plan", plan(PLAN).toString(),
        "--out", out.toString(), "--images", SAMPLE, "--limit", "100", "--cache-dir",
        dir.resolve("cache").toString(), "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out);
    Model original = ModelLoader.load(model);
    assertThat(dir.resolve("cache").resolve("factors")
        .resolve(CompressibleModel.of(original).hash() + ".factors")).isRegularFile();
    assertThat(j.get("params").get("original").asLong())
        .isEqualTo(CompressibleModel.of(original).params());
    Model written = ModelLoader.load(out);
    long params = j.get("params").get("compressed").asLong();
    assertThat(params).isEqualTo(GraphCost.params(written.graph()))
        .isLessThan(j.get("params").get("original").asLong());
    assertThat(j.get("macs").get("compressed").asLong())
        .isEqualTo(GraphCost.macs(written.graph(), written.opset()))
        .isLessThan(j.get("macs").get("original").asLong());
    JsonNode d = j.get("distance");
    assertThat(d.get("n").asInt()).isEqualTo(100);
    assertThat(d.get("mean").asDouble()).isPositive();
    assertThat(d.get("stderr").asDouble()).isPositive().isLessThan(d.get("mean").asDouble());
    // The factors were cached in --cache-dir, never beside the model.
    try (var beside = Files.list(dir)) {
      assertThat(beside.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("fashion.onnx", "plan.json", "out.onnx", "cache");
    }
    // The written file runs in ONNX Runtime with the outputs of bocomp's engine.
    Tensor x = TestNets.randomInput(written, 4, 5);
    try (OrtReference ort = new OrtReference(Files.readAllBytes(out));
        CpuBackend cpu = new CpuBackend();
        Executable e = cpu.compile(written)) {
      assertThat(OrtReference.relativeDifference(e.run(x), ort.runFirst(x))).isLessThan(1e-4);
    }
  }

  @Test
  void textOutputNamesTheCostsAndTheFile() throws Exception {
    Path out = dir.resolve("text.onnx");
    CliRunner r = CliRunner.run("compress", model.toString(), "--plan",
        plan("{\"layers\": [{\"name\": \"/classifier/classifier.7/Gemm\", \"method\": \"svd\","
            + " \"rank\": 10}]}").toString(), "--out", out.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).contains("params").contains("MACs").contains("wrote     " + out)
        .contains("kept dense");
    assertThat(out).exists();
  }

  @Test
  void badPlansFailWithOneLineNamingTheEntryAndWriteNothing() throws Exception {
    String[] plans = {
        "{\"layers\": [{\"name\": \"conv9\", \"method\": \"svd\", \"rank\": 4}]}",
        "{\"layers\": [{\"name\": \"/features/features.3/Conv\", \"method\": \"tucker2\","
            + " \"ranks\": [8, 99]}]}",
        "{\"layers\": [{\"name\": \"/classifier/classifier.5/Gemm\", \"method\": \"prune\","
            + " \"fraction\": 1.5}]}",
        "{\"model\": \"0123456789abcdef\", \"layers\": []}",
        "{\"layers\": [{\"name\": \"/classifier/classifier.7/Gemm\", \"method\": \"filter_prune\","
            + " \"fraction\": 0.5}]}",
        "not json",
    };
    String[] expect = {"unknown layer 'conv9'", "ranks [8, 99] outside", "fraction 1.5 outside",
        "plan is for another model", "graph output", "not valid JSON"};
    Path out = dir.resolve("never.onnx");
    for (int i = 0; i < plans.length; i++) {
      CliRunner r = CliRunner.run("compress", model.toString(), "--plan", plan(plans[i]).toString(),
          "--out", out.toString(), "--json");
      assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
      assertThat(r.out).as(r.toString()).isEmpty();
      assertThat(r.err.lines().filter(l -> l.startsWith("bocomp: ")).count()).as(r.toString())
          .isEqualTo(1);
      assertThat(r.err).as(r.toString()).contains(expect[i]).contains("plan.json");
      assertThat(out).doesNotExist();
    }
    assertThat(Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".factors")))
        .as("a bad plan fails before any decomposition").isEmpty();
  }
}

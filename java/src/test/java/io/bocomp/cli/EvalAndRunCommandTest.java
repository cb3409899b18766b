package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.data.Npy;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.engine.Executable;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.TestNets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalAndRunCommandTest {
  @TempDir Path dir;

  @Test
  void evalOnTheEmbeddedDefaultPrintsOnlyJson() throws Exception {
    CliRunner r = CliRunner.run("eval", "--limit", "200", "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertThat(j.get("n").asInt()).isEqualTo(200);
    assertThat(j.get("top1").asDouble()).as("a trained model, not chance").isGreaterThan(0.85);
  }

  @Test
  void evalAgainstItselfHasZeroDistanceAndFullAgreement() throws Exception {
    Path ref = dir.resolve("ref.onnx");
    Files.write(ref, ModelLoader.defaultModelBytes());
    CliRunner r = CliRunner.run("eval", "--limit", "64", "--reference", ref.toString(), "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode ref0 = new ObjectMapper().readTree(r.out).get("reference");
    assertThat(ref0.get("distance").get("mean").asDouble()).isZero();
    assertThat(ref0.get("distance").get("n").asInt()).isEqualTo(64);
    assertThat(ref0.get("top1_agreement").asDouble()).isEqualTo(1.0);
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws Exception {
    Path small = dir.resolve("small.onnx");
    OnnxExporter.write(TestNets.pytorchFlatten(8, 13, 1), small);
    CliRunner[] cases = {
        CliRunner.run("eval", dir.resolve("missing.onnx").toString()),
        CliRunner.run("eval", small.toString(), "--limit", "3"),
        CliRunner.run("eval", "--limit", "-1"),
        CliRunner.run("eval", "--no-such-option"),
        CliRunner.run("run", small.toString(), "--input", dir.resolve("x.npy").toString(),
            "--output", dir.resolve("y.npy").toString()),
    };
    for (CliRunner r : cases) {
      assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
      assertThat(r.out).as(r.toString()).isEmpty();
      assertThat(r.err.lines().filter(l -> l.startsWith("bocomp: ")).count()).as(r.toString())
          .isEqualTo(1);
    }
    assertThat(cases[1].err).contains("[N, 1, 28, 28]").contains("[N, 3, 8, 8]");
    assertThat(Files.exists(dir.resolve("y.npy"))).isFalse();
  }

  @Test
  void runWritesTheFirstOutputOfTheEngine() throws Exception {
    var model = TestNets.pytorchFlatten(8, 13, 3);
    Path m = dir.resolve("m.onnx");
    OnnxExporter.write(model, m);
    Tensor x = TestNets.randomInput(model, 5, 11);
    Path in = dir.resolve("x.npy");
    Path out = dir.resolve("y.npy");
    Npy.write(x, in);
    CliRunner r = CliRunner.run("run", m.toString(), "--input", in.toString(), "--output", out.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    Tensor y = Npy.read(out);
    try (CpuBackend b = new CpuBackend(); Executable e = b.compile(ModelLoader.load(m))) {
      assertThat(y.contentEquals(e.run(x))).isTrue();
    }
  }
}

package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuneCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void tunesTheEmbeddedModelAndWritesAllFourOutputs() throws Exception {
    Path out = dir.resolve("run");
    CliRunner r = CliRunner.run("tune", "--trials", "12", "--samples", "16", "--out",
        out.toString(), "--quiet", "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode j = JSON.readTree(r.out); // --json: stdout is only the result document
    assertThat(j.path("evaluations").asInt()).isPositive();
    assertThat(j.path("budget").path("max").asDouble()).isEqualTo(0.25);
    for (String f : new String[] {"compressed.onnx", "result.json", "report.html",
        "journal.jsonl"}) {
      assertThat(out.resolve(f)).as(f).isRegularFile();
    }
    assertThat(JSON.readTree(Files.readString(out.resolve("result.json"))).path("plan"))
        .isEqualTo(j.path("plan"));

    // report DIR re-renders the report from the journal
    Files.delete(out.resolve("report.html"));
    CliRunner rep = CliRunner.run("report", out.toString());
    assertThat(rep.exitCode).as(rep.toString()).isZero();
    assertThat(Files.readString(out.resolve("report.html"))).contains("<svg").contains("Pareto");

    // the same --out again is refused (no overwrite), pointing at --resume
    CliRunner again = CliRunner.run("tune", "--trials", "12", "--out", out.toString());
    assertThat(again.exitCode).isEqualTo(2);
    assertThat(again.err.trim()).doesNotContain("\n").contains("--resume");
  }

  @Test
  void aBudgetOfOneOrMoreHasNothingToDoAndWritesNothing() {
    Path out = dir.resolve("none");
    CliRunner r = CliRunner.run("tune", "--max-params", "1.5", "--out", out.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out + r.err).contains("nothing to do");
    assertThat(out).doesNotExist();
  }

  @Test
  void anUnreachableBudgetFailsWithOneLineNamingTheReachableValue() {
    Path out = dir.resolve("tight");
    CliRunner r = CliRunner.run("tune", "--max-params", "0.0005", "--out", out.toString());
    assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
    // (an INFO line "decomposing ..." precedes it when the factor cache is cold)
    String errors = r.err.lines().filter(l -> !l.startsWith("bocomp: INFO: decomposing"))
        .collect(java.util.stream.Collectors.joining("\n"));
    assertThat(errors.trim()).startsWith("bocomp: error:").doesNotContain("\n")
        .contains("--max-params 5.0E-4").contains("smallest reachable value");
    assertThat(out).doesNotExist();
  }

  @Test
  void imagesOfTheWrongShapeAreRefusedNamingBothShapes() throws Exception {
    Path idx = dir.resolve("small.idx");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream d = new DataOutputStream(b)) {
      d.writeInt(0x00000803);
      d.writeInt(4);
      d.writeInt(10);
      d.writeInt(10);
      d.write(new byte[4 * 10 * 10]);
    }
    Files.write(idx, b.toByteArray());
    Path out = dir.resolve("shape");
    CliRunner r = CliRunner.run("tune", "--images", idx.toString(), "--out", out.toString());
    assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
    assertThat(r.err.trim()).doesNotContain("\n").contains("10").contains("28");
    assertThat(out).doesNotExist();
  }

  @Test
  void anUnwritableOutIsRefusedBeforeAnyWork() throws Exception {
    Path ro = dir.resolve("ro");
    Files.createDirectory(ro, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("r-xr-xr-x")));
    org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(ro),
        "running as root: permissions do not bind (WriteFaultTest injects the refusal instead)");
    CliRunner r = CliRunner.run("tune", "--out", ro.resolve("run").toString());
    assertThat(r.exitCode).isEqualTo(2);
    assertThat(r.err.trim()).doesNotContain("\n").contains(ro.toString());
  }

  @Test
  void anOutThatIsAFileIsRefused() throws Exception {
    Path f = dir.resolve("file");
    Files.writeString(f, "x");
    CliRunner r = CliRunner.run("tune", "--out", f.resolve("run").toString());
    assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
    assertThat(r.err.trim()).startsWith("bocomp: error:").doesNotContain("\n");
    assertThat(Files.readString(f)).isEqualTo("x");
  }

  @Test
  void badOptionValuesAreOneLineErrors() {
    for (String[] args : new String[][] {{"tune", "--trials", "0"}, {"tune", "--cooling", "fast",
        "--mode", "constrained"}, {"tune", "--method", "magic"}, {"tune", "--max-params", "-1"},
        {"tune", "--max-params", "0.2", "--max-macs", "0.3"}}) {
      CliRunner r = CliRunner.run(args);
      assertThat(r.exitCode).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
      assertThat(r.err.trim().lines().findFirst().orElse("")).startsWith("bocomp");
    }
  }
  @Test
  void labelsWithoutImagesAreRefused() {
    Path out = dir.resolve("labels");
    CliRunner r = CliRunner.run("tune", "--labels", "/nonexistent.idx", "--out", out.toString());
    assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
    assertThat(r.err.trim()).isEqualTo("bocomp: error: --labels needs --images");
    assertThat(out).doesNotExist();
  }
  @Test
  void badInputLeavesNoFactorCacheNextToTheModel() throws Exception {
    Path model = dir.resolve("m.onnx");
    Files.write(model, io.bocomp.ModelLoader.defaultModelBytes());
    CliRunner r = CliRunner.run("tune", model.toString(), "--max-params", "0.0001", "--out",
        dir.resolve("never").toString());
    assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("m.onnx");
    }
  }

  @Test
  void aModelInAReadOnlyFolderTunesAndNothingIsWrittenThere() throws Exception {
    Path models = dir.resolve("models");
    Files.createDirectory(models);
    Path model = models.resolve("m.onnx");
    Files.write(model, io.bocomp.ModelLoader.defaultModelBytes());
    Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("r-xr-xr-x"));
    // As root the folder stays writable; the run must still write nothing there.
    Path cache = dir.resolve("cache");
    Path out = dir.resolve("run");
    CliRunner r = CliRunner.run("tune", model.toString(), "--trials", "6", "--samples", "8",
        "--cache-dir", cache.toString(), "--out", out.toString(), "--quiet", "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    try (var files = Files.list(models)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("m.onnx");
    }
    String hash = io.bocomp.compress.CompressibleModel.of(io.bocomp.ModelLoader.load(model)).hash();
    assertThat(cache.resolve("factors").resolve(hash + ".factors")).as("--cache-dir honoured")
        .isRegularFile();
    assertThat(out.resolve("compressed.onnx")).isRegularFile();
    assertThat(r.err).doesNotContain("WARN");
  }

  @Test
  void anUnwritableCacheDirIsOneWarningNotAnError() throws Exception {
    Path file = dir.resolve("not-a-dir");
    Files.writeString(file, "x");
    Path out = dir.resolve("run");
    CliRunner r = CliRunner.run("tune", "--trials", "4", "--samples", "8", "--cache-dir",
        file.resolve("cache").toString(), "--out", out.toString(), "--quiet", "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.err.lines().filter(l -> l.startsWith("bocomp: WARN:"))).as(r.toString())
        .hasSize(1).allMatch(l -> l.contains("without caching"));
    assertThat(out.resolve("compressed.onnx")).isRegularFile();
  }

  @Test
  void unknownFieldsAndUnmatchedPatternsInARunFileAreRefused() throws Exception {
    Path run = dir.resolve("run.json");
    Files.writeString(run, "{\"budget\": {\"metric\": \"params\", \"max\": 0.25, \"mx\": 1}}");
    CliRunner a = CliRunner.run("tune", "--config", run.toString(), "--out", dir.resolve("a").toString());
    assertThat(a.exitCode).as(a.toString()).isEqualTo(2);
    assertThat(a.err.trim()).contains("budget.mx").contains("unknown field");
    Files.writeString(run, "{\"groups\": [[\"/nomatch/*\"]]}");
    CliRunner b = CliRunner.run("tune", "--config", run.toString(), "--out", dir.resolve("b").toString());
    assertThat(b.exitCode).as(b.toString()).isEqualTo(2);
    assertThat(b.err.trim()).contains("/nomatch/*").contains("matches no compressible layer");
    assertThat(dir.resolve("a")).doesNotExist();
    assertThat(dir.resolve("b")).doesNotExist();
  }
}

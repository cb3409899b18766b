package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.data.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tune --workers/--parallel/--cluster} and {@code worker} on the command line: a parallel
 * run end to end, and every refusal as one line with exit status 2 before anything is written.
 */
class ParallelTuneCommandTest {
  @TempDir Path dir;

  @Test
  void twoWorkersTuneTheDefaultModelInBatchesOfTwo() throws Exception {
    Path out = dir.resolve("run");
    Path images = dir.resolve("images.npy"); // 100 unlabeled images: no top-1 passes
    Npy.write(ModelLoader.defaultSample().head(100).images(), images);
    CliRunner r = CliRunner.run("tune", "--images", images.toString(), "--workers", "2",
        "--trials", "8", "--samples", "8", "--out", out.toString(), "--quiet");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).contains("trials     8");
    String firstLine = Files.readAllLines(out.resolve("journal.jsonl")).get(0);
    JsonNode header = new ObjectMapper().readTree(firstLine);
    assertThat(header.path("fingerprint").path("config").path("parallel").asInt()).isEqualTo(2);
    assertThat(Files.exists(out.resolve("compressed.onnx"))).isTrue();
  }

  @Test
  void badParallelOptionsAreOneLineWithStatusTwo() throws Exception {
    Path out = dir.resolve("never");
    Path token = dir.resolve("token");
    Files.writeString(token, "a-long-enough-token\n");
    String[][] cases = {
        {"--workers", "0"},
        {"--workers", "2", "--cluster", "127.0.0.1"},
        {"--cluster", "127.0.0.1"},
        {"--parallel", "0"},
        {"--cluster", "127.0.0.1:99999", "--parallel", "2", "--token-file", token.toString()},
        {"--cluster", "127.0.0.1", "--parallel", "2", "--token-file",
            dir.resolve("missing").toString()},
        {"--max-latency-ms", "1", "--workers", "2"},
    };
    String[] expected = {"--workers must be >= 1", "exclude each other", "needs --parallel",
        "--parallel must lie in", "port must be a number", "no such file", "latency budget"};
    for (int i = 0; i < cases.length; i++) {
      String[] args = new String[cases[i].length + 5];
      args[0] = "tune";
      System.arraycopy(cases[i], 0, args, 1, cases[i].length);
      System.arraycopy(new String[] {"--trials", "4", "--out", out.toString()}, 0, args,
          cases[i].length + 1, 4);
      CliRunner r = CliRunner.run(args);
      assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
      assertThat(r.err.strip().lines().count()).as(r.toString()).isEqualTo(1);
      assertThat(r.err).as(String.join(" ", cases[i])).contains(expected[i]);
      assertThat(Files.exists(out)).isFalse();
    }
  }

  @Test
  void aWorkerWithoutAUsableTokenIsRefused() throws Exception {
    Path shortToken = dir.resolve("token");
    Files.writeString(shortToken, "short\n");
    CliRunner r = CliRunner.run("worker", "--token-file", shortToken.toString());
    assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
    assertThat(r.err).contains("at least 8 characters");
    CliRunner bad = CliRunner.run("worker", "--token-file", shortToken.toString(),
        "--cluster-name", "no spaces");
    assertThat(bad.exitCode).isEqualTo(2);
    assertThat(bad.err).contains("--cluster-name");
  }
}

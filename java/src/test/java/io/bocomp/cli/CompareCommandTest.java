package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.data.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bocomp compare} on the embedded model with small trial, seed and sample counts (the first
 * 400 images of the embedded sample, as a .npy tensor and a text label file, so the tuner's
 * top-1 passes are short).
 */
class CompareCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> METHODS = List.of("uniform", "energy", "alds", "evbmf", "lc",
      "random", "tuner");

  @TempDir static Path data;
  @TempDir Path dir;

  @BeforeAll
  static void writeData() throws Exception {
    Dataset d = ModelLoader.defaultSample().head(400);
    Npy.write(d.images(), data.resolve("x.npy"));
    StringBuilder b = new StringBuilder();
    for (int l : d.labels()) {
      b.append(l).append('\n');
    }
    Files.writeString(data.resolve("y.txt"), b);
  }

  private String[] args(Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("compare", "--images",
        data.resolve("x.npy").toString(), "--labels", data.resolve("y.txt").toString(),
        "--trials", "6", "--seeds", "2", "--samples", "12", "--out", out.toString(), "--quiet"));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  @Test
  void everyMethodIsScoredOnHeldOutInputsWithinTheBudget() throws Exception {
    Path out = dir.resolve("cmp");
    CliRunner r = CliRunner.run(args(out, "--max-params", "0.25", "--holdout", "150", "--json",
        "--parameter", "rank"));
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(out.resolve("compare.json")).isRegularFile();
    assertThat(Files.readString(out.resolve("compare.html"))).contains("<svg").contains("alds");
    JsonNode j = JSON.readTree(r.out);
    assertThat(j).isEqualTo(JSON.readTree(Files.readString(out.resolve("compare.json"))));

    List<String> methods = new ArrayList<>();
    j.path("summary").forEach(s -> methods.add(s.path("method").asText()));
    assertThat(methods).containsExactlyElementsOf(METHODS);
    long original = j.path("original").path("params").asLong();
    for (JsonNode row : j.path("rows")) {
      assertThat(row.path("fraction").asDouble()).as(row.toString()).isLessThanOrEqualTo(0.25);
      assertThat(row.path("params").asLong()).isLessThanOrEqualTo((long) (0.25 * original));
      assertThat(row.path("holdout").path("n").asInt()).isEqualTo(150);
      assertThat(row.path("top1").asDouble()).isBetween(0.0, 1.0);
      assertThat(row.path("latency_ms").asDouble()).isPositive();
    }
    assertThat(j.path("rows")).hasSize(5 + 2 * 2);
    assertSpearman(j);

    // held-out rows: 150 distinct rows, none in either seed's tuning sample
    Set<Integer> held = new HashSet<>();
    j.path("holdout").path("indices").forEach(i -> held.add(i.asInt()));
    assertThat(held).hasSize(150);
    assertThat(j.path("tuning_samples")).hasSize(2);
    for (JsonNode t : j.path("tuning_samples")) {
      assertThat(t.path("indices")).hasSize(12);
      for (JsonNode i : t.path("indices")) {
        assertThat(held).doesNotContain(i.asInt());
      }
      assertThat(t.path("sha256").asText()).isNotEqualTo(j.path("holdout").path("sha256")
          .asText());
    }
    // the tuner run of each seed used exactly that tuning sample
    for (int s = 0; s < 2; s++) {
      JsonNode header = JSON.readTree(Files.readAllLines(out.resolve("tuner-seed-" + s)
          .resolve("journal.jsonl")).get(0));
      assertThat(header.path("samples").path("indices"))
          .isEqualTo(j.path("tuning_samples").get(s).path("indices"));
      assertThat(header.path("fingerprint").path("config").path("parameter").asText())
          .as("--parameter reaches the tuner").isEqualTo("rank");
    }
    // on its own sample the tuner is at least as good as every one-shot allocator
    for (JsonNode tuner : j.path("rows")) {
      if (!tuner.path("method").asText().equals("tuner")) {
        continue;
      }
      int seed = tuner.path("seed").asInt();
      double l = tuner.path("tuning").get(0).path("mean").asDouble();
      for (JsonNode row : j.path("rows")) {
        if (row.path("seed").isNull()) {
          for (JsonNode t : row.path("tuning")) {
            if (t.path("seed").asInt() == seed) {
              assertThat(l).as("tuner seed %d vs %s", seed, row.path("method").asText())
                  .isLessThanOrEqualTo(t.path("mean").asDouble());
            }
          }
        }
      }
    }
  }

  @Test
  void badInputIsOneLineAndExitTwoWithNothingWritten() {
    Path out = dir.resolve("bad");
    CliRunner tooMany = CliRunner.run(args(out, "--holdout", "399"));
    assertThat(tooMany.exitCode).as(tooMany.toString()).isEqualTo(2);
    assertThat(tooMany.err.strip()).startsWith("bocomp: error:").contains("--holdout 399")
        .doesNotContain("\n");
    CliRunner unreachable = CliRunner.run(args(out, "--max-macs", "0.001"));
    assertThat(unreachable.exitCode).as(unreachable.toString()).isEqualTo(2);
    assertThat(unreachable.err.strip()).startsWith("bocomp: error:").contains("--max-macs")
        .doesNotContain("\n");
    // a measured-latency budget is not offered (picocli's usage error: its line and a hint)
    CliRunner latency = CliRunner.run(args(out, "--max-latency-ms", "2"));
    assertThat(latency.exitCode).isEqualTo(2);
    assertThat(latency.err.lines().findFirst().orElseThrow()).contains("--max-latency-ms");
    CliRunner scale = CliRunner.run(args(out, "--parameter", "prune"));
    assertThat(scale.exitCode).isEqualTo(2);
    assertThat(scale.err.strip()).startsWith("bocomp: error:").contains("--parameter")
        .doesNotContain("\n");
    assertThat(out).doesNotExist();
  }

  /**
   * compare.json's Spearman rho equals Pearson's correlation of the average ranks of held-out L
   * and top-1 drop, recomputed here from the rows.
   */
  private static void assertSpearman(JsonNode j) {
    int n = j.path("rows").size();
    double[] l = new double[n];
    double[] drop = new double[n];
    double orig = j.path("original").path("top1").asDouble();
    for (int i = 0; i < n; i++) {
      l[i] = j.path("rows").get(i).path("holdout").path("mean").asDouble();
      drop[i] = orig - j.path("rows").get(i).path("top1").asDouble();
    }
    double[] a = ranks(l);
    double[] b = ranks(drop);
    double ma = java.util.Arrays.stream(a).average().orElseThrow();
    double mb = java.util.Arrays.stream(b).average().orElseThrow();
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < n; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    JsonNode s = j.path("spearman");
    assertThat(s.path("plans").asInt()).isEqualTo(n);
    assertThat(s.path("rho").asDouble()).isCloseTo(sab / Math.sqrt(saa * sbb),
        org.assertj.core.api.Assertions.within(1e-12));
  }

  /** 1-based ranks, ties at their average rank. */
  private static double[] ranks(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int below = 0;
      int equal = 0;
      for (double w : v) {
        below += w < v[i] ? 1 : 0;
        equal += w == v[i] ? 1 : 0;
      }
      r[i] = below + (equal + 1) / 2.0;
    }
    return r;
  }
}

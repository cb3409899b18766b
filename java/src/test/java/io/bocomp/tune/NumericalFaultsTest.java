package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network that yields NaN/Inf once compressed: {@code y = fc2(Log(fc1(x)))} with positive inputs
 * and fc1 a 32 x 32 matrix with a dominant diagonal (distinct singular values), so the original's
 * {@code Log} sees only positive values, while a rank below fc1's full rank leaves some outputs
 * near zero with either sign, and {@code Log} of a negative value (NaN) or of zero (-Inf) reaches
 * the output. Such trials are failed trials (recorded with their reason,
 * penalized by the optimizer, never the result), not a crash; the run ends with a finite plan.
 */
class NumericalFaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** fc1 is N x N: large enough that cutting its rank saves parameters. */
  private static final int N = 32;
  @TempDir Path dir;

  private static Model logNet() {
    Random r = new Random(5);
    GraphBuilder b = new GraphBuilder("log_net");
    String x = b.input("x", -1, N);
    float[] diag = new float[N * N];
    for (int i = 0; i < N * N; i++) {
      diag[i] = (float) (0.01 * r.nextGaussian()); // dense, so that low rank saves parameters
    }
    for (int i = 0; i < N; i++) {
      diag[i * N + i] = N - i; // dominant diagonal: singular values about N, N - 1, ..., 1
    }
    x = b.gemm("fc1", x, Tensor.of(new int[] {N, N}, diag), Tensor.zeros(N), true);
    x = b.op("Log", x).out();
    float[] w2 = new float[64 * N];
    for (int i = 0; i < w2.length; i++) {
      w2[i] = (float) (r.nextGaussian() / Math.sqrt(N));
    }
    x = b.gemm("fc2", x, Tensor.of(new int[] {64, N}, w2), Tensor.zeros(64), true);
    b.output(x, -1, 64);
    return ModelLoader.prepare(b.buildModel());
  }

  private static Dataset positiveInputs(int n) {
    Random r = new Random(9);
    float[] v = new float[n * N];
    for (int i = 0; i < v.length; i++) {
      v[i] = 0.1f + r.nextFloat();
    }
    return new Dataset(Tensor.of(new int[] {n, N}, v), null);
  }

  @Test
  void aTrialWhoseNetworkYieldsNonFiniteOutputsIsAFailedTrialAndTheRunEndsFinite()
      throws Exception {
    Model m = logNet();
    RunConfig c = RunConfig.builder().budget(new Budget(CostMetric.PARAMS, 0.7)).trials(16)
        .samples(16).seed(3).build();
    TuneResult result;
    Path out = dir.resolve("run");
    try (Tuner t = Tuner.prepare(new Tuner.Inputs(m, "log_net.onnx", null, positiveInputs(64),
        "positive inputs"), c, "cpu", out, false, "test")) {
      result = t.run(TuneListener.NONE);
    }
    List<JsonNode> failed = new ArrayList<>();
    int trials = 0;
    for (String line : Files.readAllLines(out.resolve(Journal.FILE))) {
      JsonNode n = JSON.readTree(line);
      if (n.path("type").asText().equals("trial")) {
        trials++;
        if (n.hasNonNull("failure")) {
          failed.add(n);
        }
      }
    }
    assertThat(trials).isEqualTo(16);
    assertThat(failed).as("trials that cut fc1's rank").isNotEmpty();
    for (JsonNode f : failed) {
      assertThat(f.path("failure").asText()).startsWith("non-finite output");
      assertThat(f.path("feasible").asBoolean()).isFalse();
      assertThat(f.path("distance").isNull() || f.path("distance").isMissingNode()).isTrue();
    }
    assertThat(result.distance().mean()).isFinite();
    assertThat(result.best().failed()).isFalse();
    assertThat(failed).extracting(f -> f.path("plan").asText())
        .as("the result is none of the failed networks").doesNotContain(result.best().planKey());
  }
}

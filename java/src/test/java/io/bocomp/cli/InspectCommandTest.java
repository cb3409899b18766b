package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class InspectCommandTest {
  @Test
  void defaultModelAfterImportHasFoldedBatchNormsAndItsCompressibleLayers() throws Exception {
    CliRunner r = CliRunner.run("inspect", "--json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out);
    JsonNode layers = j.get("layers");
    long params = 0;
    long macs = 0;
    for (JsonNode n : layers) {
      assertThat(n.get("op").asText()).isNotIn("BatchNormalization", "Dropout", "Identity");
      params += n.get("params").asLong();
      macs += n.get("macs").asLong();
    }
    assertThat(params).isEqualTo(j.get("totals").get("params").asLong());
    assertThat(macs).isEqualTo(j.get("totals").get("macs").asLong());
    // 5 convs (BN folded: bias added) + 3 FC layers of the trained VGG-style net
    assertThat(j.get("totals").get("params").asLong()).isEqualTo(863_082L);
    assertThat(j.get("compressible")).hasSize(8);
    JsonNode fc1 = j.get("compressible").get(5);
    assertThat(fc1.get("methods").toString()).contains("svd");
    int r90 = fc1.get("energy_ranks").get("0.90").asInt();
    int r99 = fc1.get("energy_ranks").get("0.99").asInt();
    assertThat(r90).isPositive().isLessThan(r99);
    assertThat(r99).isLessThanOrEqualTo(512);
  }

  @Test
  void textModeNamesEveryNode() {
    CliRunner r = CliRunner.run("inspect", "--no-energy");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).contains("/features/features.0/Conv").contains("total (19 nodes)")
        .contains("compressible layers");
  }
}

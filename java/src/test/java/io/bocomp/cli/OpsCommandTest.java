package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.op.OpTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code bocomp ops}: the support matrix comes from the registries, and docs/ops.md is it. */
class OpsCommandTest {
  @Test
  void docsOpsMdIsTheCommandsMarkdown() throws Exception {
    CliRunner r = CliRunner.run("ops", "--markdown");
    assertThat(r.exitCode).isZero();
    String doc = Files.readString(Path.of("../docs/ops.md"), StandardCharsets.UTF_8);
    assertThat(doc).as("docs/ops.md is stale: regenerate it with ./bocomp ops --markdown"
        + " > docs/ops.md").isEqualTo(r.out);
  }

  @Test
  void theJsonMatrixListsEveryTableOpWithItsExecutors() throws Exception {
    CliRunner r = CliRunner.run("ops", "--json");
    assertThat(r.exitCode).isZero();
    JsonNode ops = new ObjectMapper().readTree(r.out).path("ops");
    assertThat(ops.size()).isEqualTo(OpTable.names().size());
    for (JsonNode o : ops) {
      assertThat(o.path("cpu").asBoolean()).as(o.path("op").asText())
          .isEqualTo(CpuBackend.ops().contains(o.path("op").asText()));
    }
    JsonNode conv = null;
    for (JsonNode o : ops) {
      if (o.path("op").asText().equals("Conv")) {
        conv = o;
      }
    }
    assertThat(conv).isNotNull();
    assertThat(conv.path("cuda").asBoolean()).isTrue();
    assertThat(conv.path("finetune").asBoolean()).isTrue();
  }
}

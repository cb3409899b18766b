package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  private static ObjectNode header() {
    ObjectNode h = Journal.JSON.createObjectNode();
    h.put("type", "header");
    h.put("format", Journal.FORMAT);
    h.putObject("fingerprint").put("seed", 3);
    return h;
  }

  @Test
  void trialsRoundTripExactly() {
    Path f = dir.resolve(Journal.FILE);
    TrialRecord a = TrialRecords.of(0, 1.0 / 3, 0.2345678901234567, 0.25);
    TrialRecord b = TrialRecords.failed(1);
    try (Journal j = Journal.create(f, header())) {
      j.append(JournalCodec.trial(a));
      j.append(JournalCodec.trial(b));
    }
    Journal.Contents c = Journal.read(f);
    assertThat(c.header().path("fingerprint").path("seed").asInt()).isEqualTo(3);
    assertThat(c.droppedTail()).isFalse();
    assertThat(c.lines()).hasSize(2);
    TrialRecord a2 = JournalCodec.trial(c.lines().get(0));
    assertThat(a2.loss()).isEqualTo(a.loss());
    assertThat(a2.distance()).isEqualTo(a.distance());
    assertThat(a2.r()).isEqualTo(a.r());
    assertThat(a2.theta()).containsExactly(a.theta());
    assertThat(a2.planKey()).isEqualTo(a.planKey());
    assertThat(a2.cost()).isEqualTo(a.cost());
    TrialRecord b2 = JournalCodec.trial(c.lines().get(1));
    assertThat(b2.failed()).isTrue();
    assertThat(b2.failure()).isEqualTo("boom");
  }

  @Test
  void aLastLineCutByAKillIsIgnoredAndOverwrittenOnReopen() throws Exception {
    Path f = dir.resolve(Journal.FILE);
    try (Journal j = Journal.create(f, header())) {
      j.append(JournalCodec.trial(TrialRecords.of(0, 1, 0.2, 0.25)));
      j.append(JournalCodec.trial(TrialRecords.of(1, 2, 0.3, 0.25)));
    }
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, all.length - 17)); // kill -9 in the middle of line 3
    Journal.Contents c = Journal.read(f);
    assertThat(c.lines()).hasSize(1);
    assertThat(c.droppedTail()).isTrue();
    try (Journal j = Journal.reopen(f, c.validBytes())) {
      j.append(JournalCodec.trial(TrialRecords.of(1, 5, 0.1, 0.25)));
    }
    Journal.Contents again = Journal.read(f);
    assertThat(again.droppedTail()).isFalse();
    assertThat(again.lines()).hasSize(2);
    assertThat(JournalCodec.trial(again.lines().get(1)).loss()).isEqualTo(5);
  }

  @Test
  void foreignOrCorruptFilesAreRefusedWithTheReason() throws Exception {
    Path f = dir.resolve("x.jsonl");
    Files.writeString(f, "{\"type\":\"trial\"}\n");
    assertThatThrownBy(() -> Journal.read(f)).isInstanceOf(JournalMismatchException.class)
        .hasMessageContaining("not a bocomp tuning journal");
    Files.writeString(f, "");
    assertThatThrownBy(() -> Journal.read(f)).hasMessageContaining("empty or truncated");
    Files.writeString(f, header() + "\n{not json\n{\"type\":\"trial\"}\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Journal.read(f)).hasMessageContaining("line 2 is not JSON");
    ObjectNode h = header();
    h.put("format", 99);
    Files.writeString(f, h + "\n");
    assertThatThrownBy(() -> Journal.read(f)).hasMessageContaining("journal format 99");
  }

  @Test
  void createRefusesToOverwrite() throws Exception {
    Path f = dir.resolve(Journal.FILE);
    Files.writeString(f, "keep");
    assertThatThrownBy(() -> Journal.create(f, header())).isInstanceOf(TuneConfigException.class);
    assertThat(Files.readString(f)).isEqualTo("keep");
  }
}

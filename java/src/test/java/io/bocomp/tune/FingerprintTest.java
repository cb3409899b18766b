package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * A refused resume names every differing field and, for a field whose default changed (the search
 * scale), the option that gives the journal's value back.
 */
class FingerprintTest {
  private static JsonNode fingerprint(String parameter, int trials) throws Exception {
    return Journal.JSON.readTree("{\"model_sha256\": \"m\", \"samples_sha256\": \"s\","
        + " \"config\": {\"parameter\": \"" + parameter + "\", \"mode\": \"lagrangian\","
        + " \"trials\": " + trials + "}, \"backend\": \"cpu\", \"bocomp\": \"v\"}");
  }

  @Test
  void aChangedDefaultScaleIsNamedWithTheOptionThatRestoresIt() throws Exception {
    JsonNode journal = fingerprint("rank", 6);
    assertThatCode(() -> Fingerprint.check(journal, fingerprint("rank", 6), "j", "bocomp tune"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> Fingerprint.check(journal, fingerprint("energy", 6), "j",
        "bocomp tune --trials 6"))
        .isInstanceOf(JournalMismatchException.class)
        .hasMessageContaining("config.parameter is rank in the journal, energy now")
        .hasMessageContaining("(bocomp tune --trials 6), plus --parameter rank");
    // a difference the user chose (trials) gets no option of its own
    assertThatThrownBy(() -> Fingerprint.check(journal, fingerprint("rank", 12), "j", "c"))
        .isInstanceOf(JournalMismatchException.class)
        .hasMessageContaining("config.trials is 6 in the journal, 12 now")
        .hasMessageNotContaining("plus");
  }

  @Test
  void aJournalFromBeforeBoundaryProposalsResumesOnlyWithTheirOldSetting() throws Exception {
    JsonNode old = fingerprint("energy", 6); // written before boundary_every existed
    JsonNode now = withBoundaryEvery(fingerprint("energy", 6), 2);
    assertThatThrownBy(() -> Fingerprint.check(old, now, "j", "bocomp tune"))
        .isInstanceOf(JournalMismatchException.class)
        .hasMessageContaining("config.boundary_every is 0 in the journal, 2 now")
        .hasMessageContaining("plus \"boundary_every\": 0 in a --config run file");
    assertThatCode(() -> Fingerprint.check(old, withBoundaryEvery(fingerprint("energy", 6), 0),
        "j", "bocomp tune")).doesNotThrowAnyException();
    assertThatCode(() -> Fingerprint.check(now, withBoundaryEvery(fingerprint("energy", 6), 2),
        "j", "bocomp tune")).doesNotThrowAnyException();
  }

  private static JsonNode withBoundaryEvery(JsonNode fingerprint, int n) {
    ((com.fasterxml.jackson.databind.node.ObjectNode) fingerprint.get("config"))
        .put("boundary_every", n);
    return fingerprint;
  }
}

package io.bocomp.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The trial lines of a run's journal without their timings ("ms"): what must be identical between
 * two runs that computed the same thing (theta, phase, plan key, cached, L and its standard error,
 * costs, multiplier or bound, GP states). Used by the parallel and cluster tests.
 */
public final class JournalTrials {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JournalTrials() {}

  /** The trial lines of {@code runDir}'s journal, in order, each without "ms". */
  public static List<JsonNode> of(Path runDir) {
    List<JsonNode> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(runDir.resolve(Journal.FILE))) {
        JsonNode n = JSON.readTree(line);
        if (n.path("type").asText().equals("trial")) {
          ((ObjectNode) n).remove("ms");
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The index of the first trial whose phase is one of {@code phases} (e.g. "bo": the end of the
   * initial design).
   *
   * @throws IndexOutOfBoundsException when no trial has one
   */
  public static int firstInPhase(List<JsonNode> trials, String... phases) {
    List<String> wanted = List.of(phases);
    int i = 0;
    while (!wanted.contains(trials.get(i).path("phase").asText())) {
      i++;
    }
    return i;
  }

  /** result.json's plan and distance, the answer of a run. */
  public static JsonNode answer(Path runDir) {
    try {
      JsonNode r = JSON.readTree(Files.readString(runDir.resolve("result.json")));
      ObjectNode o = JSON.createObjectNode();
      o.set("plan", r.path("plan"));
      o.set("distance", r.path("distance"));
      o.set("partial", r.path("partial"));
      return o;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.bocomp.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * The identity of a run in its journal header: the model's SHA-256, the sampled inputs' SHA-256,
 * the full {@link RunConfig}, the backend and the bocomp version. A journal is resumed only by a
 * run with an equal fingerprint; otherwise {@link #check} names every field that differs.
 */
final class Fingerprint {
  private Fingerprint() {}

  static ObjectNode of(String modelSha256, String samplesSha256, RunConfig config, String backend,
      String version) {
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("model_sha256", modelSha256);
    o.put("samples_sha256", samplesSha256);
    o.set("config", config.toJson());
    o.put("backend", backend);
    o.put("bocomp", version);
    return o;
  }

  /**
   * @throws JournalMismatchException listing the differing fields, when the journal's fingerprint
   *     differs from {@code now}
   */
  static void check(JsonNode journal, JsonNode now, String file, String journalCommand) {
    journal = withLegacyValues(journal, now);
    List<String> diffs = new ArrayList<>();
    diff("", journal, now, diffs);
    if (diffs.isEmpty()) {
      return;
    }
    String shown = diffs.size() > 6 ? String.join("; ", diffs.subList(0, 6)) + "; ... ("
        + diffs.size() + " differences)" : String.join("; ", diffs);
    String options = defaultedOptions(journal.path("config"), now.path("config"));
    throw new JournalMismatchException(file + " was written by another model or configuration ("
        + shown + "); resume with the options of that run"
        + (journalCommand == null || journalCommand.isEmpty() ? "" : " (" + journalCommand + ")")
        + (options.isEmpty() ? "" : ", plus " + options + " where its command left them to"
            + " defaults that have changed since,")
        + " or start a new run with another --out");
  }

  /** Run-file fields whose defaults may change between versions, and their tune options. */
  private static final String[][] DEFAULTED = {{"parameter", "--parameter"}, {"mode", "--mode"},
      {"cooling", "--cooling"}, {"method", "--method"}};

  /**
   * Run-file fields that runs made before they existed lack, with the value such a run searched
   * with, and set only in a --config run file.
   */
  private static final String[][] LEGACY = {{"boundary_every", "0"}};

  /**
   * {@code journal} with the {@link #LEGACY} values filled in where its config lacks a field that
   * the config of {@code now} has.
   */
  private static JsonNode withLegacyValues(JsonNode journal, JsonNode now) {
    JsonNode config = journal.get("config");
    if (config == null || !config.isObject()) {
      return journal;
    }
    ObjectNode copy = null;
    for (String[] f : LEGACY) {
      if (!config.has(f[0]) && now.path("config").has(f[0])) {
        if (copy == null) {
          copy = journal.deepCopy();
        }
        ((ObjectNode) copy.get("config")).put(f[0], Integer.parseInt(f[1]));
      }
    }
    return copy == null ? journal : copy;
  }

  /**
   * The options that give the journal's values of the {@link #DEFAULTED} fields that differ now,
   * e.g. "--parameter rank" for a run made when rank fractions were the default scale.
   */
  private static String defaultedOptions(JsonNode journal, JsonNode now) {
    List<String> out = new ArrayList<>();
    for (String[] f : DEFAULTED) {
      JsonNode a = journal.get(f[0]);
      JsonNode b = now.get(f[0]);
      if (a != null && a.isTextual() && b != null && !a.equals(b)) {
        out.add(f[1] + " " + a.asText());
      }
    }
    for (String[] f : LEGACY) {
      JsonNode a = journal.get(f[0]);
      JsonNode b = now.get(f[0]);
      if (a != null && b != null && !a.equals(b)) {
        out.add("\"" + f[0] + "\": " + a + " in a --config run file");
      }
    }
    return String.join(" ", out);
  }

  private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a != null && b != null && a.isObject() && b.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
        keys.add(it.next());
      }
      for (Iterator<String> it = b.fieldNames(); it.hasNext();) {
        keys.add(it.next());
      }
      for (String k : keys) {
        diff(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k), out);
      }
      return;
    }
    if (a != null && b != null && a.isNumber() && b.isNumber()
        && a.decimalValue().compareTo(b.decimalValue()) == 0) {
      return; // 2 read back from the journal is an int node, 2 built now may be a long node
    }
    if (a == null || b == null || !a.equals(b)) {
      out.add(path + " is " + show(a) + " in the journal, " + show(b) + " now");
    }
  }

  private static String show(JsonNode n) {
    if (n == null) {
      return "absent";
    }
    String s = n.isTextual() ? n.asText() : n.toString();
    return s.length() > 24 ? s.substring(0, 21) + "..." : s;
  }
}

package io.bocomp.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options and {@code --flag}s of the experiment mains
 * ({@link CompareExperiment}, {@link TuneExperiment}, {@link ParallelBenchmark}): read once, then
 * asked for by name with the main's default; {@link #done} refuses any option no main asked for.
 * A repeated option keeps its last value, as a hand-written switch over the arguments does.
 *
 * <p>Limits: values are not checked until asked for (a bad number fails in
 * {@link Integer#parseInt}); a flag must be named at construction, since it takes no value.
 */
final class ExperimentArgs {
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> flags = new HashSet<>();
  private final Set<String> asked = new HashSet<>();

  /**
   * @param args the main's arguments
   * @param from the first to read (after positional ones)
   * @param flagNames the options that take no value
   * @throws IllegalArgumentException for an option without its value
   */
  ExperimentArgs(String[] args, int from, String... flagNames) {
    List<String> known = List.of(flagNames);
    for (int i = from; i < args.length; i++) {
      if (known.contains(args[i])) {
        flags.add(args[i]);
      } else if (i + 1 < args.length) {
        values.put(args[i], args[++i]);
      } else {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
    }
  }

  int integer(String name, int otherwise) {
    String v = value(name);
    return v == null ? otherwise : Integer.parseInt(v);
  }

  double decimal(String name, double otherwise) {
    String v = value(name);
    return v == null ? otherwise : Double.parseDouble(v);
  }

  /** The path given, or {@code otherwise} (may be null). */
  Path path(String name, Path otherwise) {
    String v = value(name);
    return v == null ? otherwise : Path.of(v);
  }

  /** Whether the flag {@code name} (one named at construction) was given. */
  boolean flag(String name) {
    asked.add(name);
    return flags.contains(name);
  }

  /** @throws IllegalArgumentException naming an option no main asked for */
  void done() {
    for (String name : values.keySet()) {
      if (!asked.contains(name)) {
        throw new IllegalArgumentException("unknown option " + name);
      }
    }
  }

  private String value(String name) {
    asked.add(name);
    return values.get(name);
  }
}

package io.bocomp.tune;

import java.util.Locale;
import java.util.function.Function;

/**
 * The lookup the run-file enums share ({@link CostMetric}, {@link MethodChoice},
 * {@link Parametrization}, {@link ObjectiveNoise}, {@link DistanceObjective.Divergence}): the
 * constant whose JSON name equals a user's string, trimmed and case-insensitive.
 */
final class JsonNames {
  private JsonNames() {}

  /** The constant of {@code values} whose {@code json} name is {@code s}, or null (also for null). */
  static <E> E find(E[] values, Function<E, String> json, String s) {
    String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    for (E e : values) {
      if (json.apply(e).equals(k)) {
        return e;
      }
    }
    return null;
  }
}

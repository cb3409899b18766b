package io.bocomp.tune;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A layer-name pattern for excluding, freezing, grouping and staging layers: a glob over the whole
 * ONNX node name where {@code *} matches any run of characters ({@code /} included, since node names
 * such as {@code /features/features.3/Conv} are paths) and {@code ?} one character; every other
 * character matches itself. A name without wildcards matches only itself.
 */
public final class LayerPattern {
  private final String glob;
  private final Pattern regex;

  private LayerPattern(String glob) {
    this.glob = glob;
    StringBuilder b = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          b.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        b.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      b.append(Pattern.quote(literal.toString()));
    }
    this.regex = Pattern.compile(b.toString(), Pattern.DOTALL);
  }

  /**
   * @throws TuneConfigException for an empty pattern
   */
  public static LayerPattern of(String glob) {
    if (glob == null || glob.isBlank()) {
      throw new TuneConfigException("empty layer pattern");
    }
    return new LayerPattern(glob.trim());
  }

  public boolean matches(String layerName) {
    return regex.matcher(layerName).matches();
  }

  public String glob() {
    return glob;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerPattern p && p.glob.equals(glob);
  }

  @Override
  public int hashCode() {
    return Objects.hash(glob);
  }

  @Override
  public String toString() {
    return glob;
  }
}

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates io.bocomp.engine.cpu.BlockedDepthwise3x3 and BlockedDepthwise3x3Stride2, the 3x3 rows
 * of BlockedDepthwiseKernel, and BlockedDepthwiseTile, its tile for any other kernel (see their
 * Javadoc), into the source directory given as the only argument. Maven runs it in
 * generate-sources with the JDK's single-file source launcher, as GenerateBlockedTiles; nothing it
 * generates is committed. The register-blocked tiles are written out (one accumulator variable per
 * pixel, straight-line code around one loop) because C2 keeps Vector API accumulators in
 * registers only in such code; generating them keeps each shape's pattern in one place.
 */
public class GenerateDepthwise3x3 {
  private static final String FIRST_HEAD = """
package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One output row of a 3x3 depthwise convolution with dilation 1 and stride 1 or 2 on the blocked
 * layout: the inner loop of {@link BlockedDepthwiseKernel} for the shape MobileNet-style networks
 * use. The pixels go 8 at a time, the rest in groups of 4, 3, 2 or 1; each input vector is loaded
 * once for all the outputs of the group that read it (up to 3), and the nine tap weights once per
 * call, where the generic loop loads every input once per tap and a weight per tap: at stride 1,
 * 30 input loads per 8 outputs instead of 72. Each output sums its taps in the generic loop's
 * order (kernel row, then column; fused multiply-adds from zero), so both give the same floats.
 * Stride 2's groups are in {@link BlockedDepthwise3x3Stride2} (the 600-line limit).
 *
 * <p>Each group width and stride is its own method of at most ~2,600 bytes of bytecode: C1 gives up
 * on a larger method of vector code ("out of virtual registers"), and then a method may stay in
 * slow code, where the Vector API allocates every vector, until C2 compiles it, if ever. Generated
 * at build time by {@code java/src/build/GenerateDepthwise3x3.java}.
 */
final class BlockedDepthwise3x3 {
  private static final VectorSpecies<Float> S = BlockedMicroKernels.S;
  private static final int L = BlockedMicroKernels.LANES;

  private BlockedDepthwise3x3() {}

  /**
   * Writes the {@code n} output pixels of one row (no bias, no activation) at {@code y[yi..]}.
   *
   * @param x the input; {@code xi} is the first tap of the row's first pixel
   * @param xRow floats from one input row to the next
   * @param stride 1 or 2
   * @param w the packed weights; {@code w0} is the block's first tap ({@code [tap][L]})
   */
  static void row(float[] x, int xi, int xRow, int stride, float[] w, int w0, float[] y, int yi,
      int n) {
    int eights = n / 8;
    int c = 8 * eights;
    if (stride == 1) {
      if (eights > 0) {
        eightsStride1(x, xi, xRow, w, w0, y, yi, eights);
      }
      if (c + 4 <= n) {
        fourStride1(x, xi, xRow, w, w0, y, yi, c);
        c += 4;
      }
      if (c + 3 == n) {
        threeStride1(x, xi, xRow, w, w0, y, yi, c);
        return;
      }
      if (c + 2 == n) {
        twoStride1(x, xi, xRow, w, w0, y, yi, c);
        return;
      }
    } else {
      if (eights > 0) {
        BlockedDepthwise3x3Stride2.eights(x, xi, xRow, w, w0, y, yi, eights);
      }
      if (c + 4 <= n) {
        BlockedDepthwise3x3Stride2.four(x, xi, xRow, w, w0, y, yi, c);
        c += 4;
      }
      if (c + 3 == n) {
        BlockedDepthwise3x3Stride2.three(x, xi, xRow, w, w0, y, yi, c);
        return;
      }
      if (c + 2 == n) {
        BlockedDepthwise3x3Stride2.two(x, xi, xRow, w, w0, y, yi, c);
        return;
      }
    }
    if (c < n) {
      one(x, xi + c * stride * L, xRow, w, w0, y, yi + c * L);
    }
  }
""";

  private static final String ONE_PIXEL = """
  /** One pixel whose first tap is {@code x[at]}; one loop over the taps, as the generic kernel. */
  private static void one(float[] x, int at, int xRow, float[] w, int w0, float[] y, int yi) {
    FloatVector a = FloatVector.zero(S);
    for (int t = 0; t < 9; t++) {
      a = FloatVector.fromArray(S, x, at + (t / 3) * xRow + (t % 3) * L)
          .fma(FloatVector.fromArray(S, w, w0 + t * L), a);
    }
    a.intoArray(y, yi);
  }
}""";

  /**
   * The start of generated class {@code name}: {@code doc} its Javadoc (each line gets its
   * {@code " * "}), then {@code fields}, S and L.
   */
  static String head(String name, String doc, String fields) {
    return """
package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
%s
 */
final class %s {
%s  private static final VectorSpecies<Float> S = BlockedMicroKernels.S;
  private static final int L = BlockedMicroKernels.LANES;

  private %s() {}
""".formatted(String.join("\n", doc.lines().map(l -> " * " + l).toList()), name, fields,
        name);
  }

  private static final String SECOND_HEAD = head("BlockedDepthwise3x3Stride2", """
      The stride-2 groups of {@link BlockedDepthwise3x3} (see there). Generated at build time by
      {@code java/src/build/GenerateDepthwise3x3.java}.""", "");

  /** Output pixels per tile of BlockedDepthwiseTile (its method is named {@code eight}). */
  private static final int TILE_PIXELS = 8;

  private static final String TILE_HEAD = head("BlockedDepthwiseTile", """
      The register-blocked tile of {@link BlockedDepthwiseKernel} for the kernels that do not go
      through {@link BlockedDepthwise3x3} (any size, stride and dilation): {@value #PIXELS} output
      pixels of a row accumulate in registers over the taps, one vector per pixel (its channel
      block), each tap a fused multiply-add of the input pixel with the tap's per-channel weights.
      Register-blocked tiles are written out, one variable per accumulator, because C2 keeps Vector
      API accumulators in registers only in straight-line code around a single loop. Generated at
      build time by {@code java/src/build/GenerateDepthwise3x3.java}; edit that, not this file.""",
      "  /** Output pixels per tile. */\n  static final int PIXELS = " + TILE_PIXELS + ";\n");

  /** {@code base}, {@code base + unit} or {@code base + m * unit}: pixel m's offset. */
  static String plus(String base, int m, String unit) {
    return m == 0 ? base : m == 1 ? base + " + " + unit : base + " + " + m + " * " + unit;
  }

  /** The Javadoc and signature of BlockedDepthwiseTile's method. */
  private static final String TILE_METHOD = """
  /**
   * Writes %d output pixels of a row (no bias, no activation), pixel {@code m} at
   * {@code y[yi + m * L]}.
   *
   * @param x the input; {@code at} is the first pixel's first tap, the next pixels follow
   *     {@code step} floats apart, tap {@code t} {@code tapOff[t]} floats after a pixel's first
   * @param packed the weights; {@code w0} is the block's first tap ({@code [tap][L]})
   */
  static void eight(float[] x, int at, int step, int taps, int[] tapOff, float[] packed,
      int w0, float[] y, int yi) {""";

  /** BlockedDepthwiseTile's method: {@code n} pixels {@code step} floats apart, any taps. */
  static List<String> tile(int n) {
    List<String> out = new ArrayList<>();
    out.add(TILE_METHOD.formatted(n));
    out.add("    FloatVector a0 = FloatVector.zero(S);");
    for (int m = 1; m < n; m++) {
      out.add("    FloatVector a" + m + " = a0;");
    }
    out.add("    for (int t = 0; t < taps; t++) {");
    out.add("      FloatVector w = FloatVector.fromArray(S, packed, w0 + t * L);");
    out.add("      int o = at + tapOff[t];");
    for (int m = 0; m < n; m++) {
      String load = "FloatVector.fromArray(S, x, " + plus("o", m, "step") + ")";
      out.add("      a" + m + " = " + load + ".fma(w, a" + m + ");");
    }
    out.add("    }");
    for (int m = 0; m < n; m++) {
      out.add("    a" + m + ".intoArray(y, " + plus("yi", m, "L") + ");");
    }
    out.add("  }");
    out.add("}");
    return out;
  }

  static List<String> weights(String p) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int t = i * 3 + j;
        String off = t != 0 ? " + " + t + " * L" : "";
        out.add(p + "FloatVector w" + i + j + " = FloatVector.fromArray(S, w, w0" + off + ");");
      }
    }
    return out;
  }

  static List<String> group(int n, int s, String p) {
    List<String> out = new ArrayList<>();
    out.add(s == 1 ? p + "int at = xi + c * L;" : p + "int at = xi + c * " + s + " * L;");
    for (int m = 0; m < n; m++) {
      out.add(p + "FloatVector a" + m + " = FloatVector.zero(S);");
    }
    out.add(p + "FloatVector v;");
    String[] bases = {"at", "at + xRow", "at + 2 * xRow"};
    for (int i = 0; i < 3; i++) {
      for (int k = 0; k < (n - 1) * s + 3; k++) {
        List<String> fmas = new ArrayList<>();
        for (int m = 0; m < n; m++) {
          int j = k - m * s;
          if (j >= 0 && j <= 2) {
            fmas.add("a" + m + " = v.fma(w" + i + j + ", a" + m + ");");
          }
        }
        if (fmas.isEmpty()) {
          continue;
        }
        String off = k != 0 ? " + " + k + " * L" : "";
        out.add(p + "v = FloatVector.fromArray(S, x, " + bases[i] + off + ");");
        String line = p + String.join(" ", fmas);
        if (line.length() <= 100) {
          out.add(line);
        } else {
          fmas.forEach(f -> out.add(p + f));
        }
      }
    }
    for (int m = 0; m < n; m++) {
      String off = m != 0 ? " + " + m + " * L" : "";
      out.add(p + "a" + m + ".intoArray(y, yi + c * L" + off + ");");
    }
    return out;
  }

  static List<String> methods(int s, String suffix, String vis) {
    List<String> out = new ArrayList<>();
    out.add("  /** Pixels {@code 0 .. 8 * groups - 1} at stride " + s + ", eight at a time. */\n"
        + "  " + vis + "static void eights" + suffix
        + "(float[] x, int xi, int xRow, float[] w, int w0, float[] y,\n"
        + "      int yi, int groups) {");
    out.addAll(weights("    "));
    out.add("    for (int c = 0; c < 8 * groups; c += 8) {");
    out.addAll(group(8, s, "      "));
    out.add("    }");
    out.add("  }");
    out.add("");
    String[] names = {"four", "three", "two"};
    for (int g = 4; g >= 2; g--) {
      out.add("  /** Pixels {@code c .. c + " + (g - 1) + "} at stride " + s + ". */\n"
          + "  " + vis + "static void " + names[4 - g] + suffix
          + "(float[] x, int xi, int xRow, float[] w, int w0, float[] y,\n"
          + "      int yi, int c) {");
      out.addAll(weights("    "));
      out.addAll(group(g, s, "    "));
      out.add("  }");
      out.add("");
    }
    return out;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0], "io", "bocomp", "engine", "cpu");
    Files.createDirectories(dir);
    List<String> first = new ArrayList<>();
    first.add(FIRST_HEAD);
    first.addAll(methods(1, "Stride1", "private "));
    first.add(ONE_PIXEL);
    List<String> second = new ArrayList<>();
    second.add(SECOND_HEAD);
    second.addAll(methods(2, "", ""));
    while (second.get(second.size() - 1).isEmpty()) {
      second.remove(second.size() - 1);
    }
    second.add("}");
    writeIfChanged(dir.resolve("BlockedDepthwise3x3.java"), String.join("\n", first) + "\n");
    writeIfChanged(dir.resolve("BlockedDepthwise3x3Stride2.java"),
        String.join("\n", second) + "\n");
    List<String> tile = new ArrayList<>();
    tile.add(TILE_HEAD);
    tile.addAll(tile(TILE_PIXELS));
    writeIfChanged(dir.resolve("BlockedDepthwiseTile.java"), String.join("\n", tile) + "\n");
  }

  /** Writes only new text, keeping an unchanged file's timestamp (no needless recompilation). */
  private static void writeIfChanged(Path out, String text) throws IOException {
    if (!Files.exists(out) || !Files.readString(out).equals(text)) {
      Files.writeString(out, text);
    }
  }
}

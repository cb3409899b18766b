import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code io/bocomp/engine/cpu/BlockedTiles.java}, the register-blocked convolution tiles of
 * {@code BlockedConvKernel}, under the folder given as the only argument. Maven runs it in the
 * {@code generate-sources} phase with the JDK's single-file source launcher ({@code java
 * GenerateBlockedTiles.java DIR}), so the generated class is never committed: this file is its
 * source of truth.
 *
 * <p>One method per (pixels P, output blocks OB, taps per run U) shape, unrolled by hand because
 * C2 keeps Vector API accumulators in registers only in straight-line code around a single loop.
 * U = 4 tiles read taps in runs of 4 adjacent input channels (a blocked input's lanes); U = 1 tiles
 * read one tap at a time (a padded NCHW first layer with one lane). A dispatch method picks the
 * tile by shape. Each method stays small enough for C1 (a method C1 cannot compile may stay in
 * slow code and never reach C2).
 */
public final class GenerateBlockedTiles {
  /** (P, OB): 512-bit vectors (32 registers) 6x4, 8x3, 12x2, 24x1; 256-bit (16) 6x2, 12x1. */
  private static final int[][] SHAPES = {{6, 4}, {8, 3}, {12, 2}, {24, 1}, {6, 2}, {12, 1}};

  private GenerateBlockedTiles() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: java GenerateBlockedTiles.java OUTPUT_DIR");
    }
    Path out = Path.of(args[0], "io", "bocomp", "engine", "cpu", "BlockedTiles.java");
    String text = source();
    if (Files.exists(out) && Files.readString(out, StandardCharsets.UTF_8).equals(text)) {
      return; // unchanged: keep the timestamp so the compiler need not recompile
    }
    Files.createDirectories(out.getParent());
    Files.writeString(out, text, StandardCharsets.UTF_8);
  }

  static String source() {
    List<String> l = new ArrayList<>();
    l.add("package io.bocomp.engine.cpu;");
    l.add("");
    l.add("import jdk.incubator.vector.FloatVector;");
    l.add("import jdk.incubator.vector.VectorSpecies;");
    l.add("");
    l.add("/**");
    l.add(" * The register-blocked tiles of {@link BlockedMicroKernels} (generated at build time by");
    l.add(" * {@code java/src/build/GenerateBlockedTiles.java}; edit that, not this file).");
    l.add(" */");
    l.add("final class BlockedTiles {");
    l.add("  private static final VectorSpecies<Float> S = BlockedMicroKernels.S;");
    l.add("  private static final int LANES = BlockedMicroKernels.LANES;");
    l.add("");
    l.add("  private BlockedTiles() {}");
    l.add("");
    l.add("  /** The (pixels, output blocks) shapes {@link #tile} takes. */");
    StringBuilder shapes = new StringBuilder("  static final int[][] SHAPES = {");
    for (int i = 0; i < SHAPES.length; i++) {
      shapes.append(i == 0 ? "" : ", ").append('{').append(SHAPES[i][0]).append(", ")
          .append(SHAPES[i][1]).append('}');
    }
    l.add(shapes.append("};").toString());
    dispatch(l);
    for (int unroll : new int[] {4, 1}) {
      for (int[] s : SHAPES) {
        tile(l, s[0], s[1], unroll);
      }
    }
    l.add("}");
    return String.join("\n", l) + "\n";
  }

  private static String name(int p, int ob, int unroll) {
    return (unroll == 1 ? "nchw" : "runs") + p + "x" + ob;
  }

  private static void dispatch(List<String> l) {
    l.add("");
    l.add("  /**");
    l.add("   * One {@code p x ob} tile: the runs-of-4 tile when {@code runs} (the input's lane count is");
    l.add("   * a multiple of 4), else the one-tap tile.");
    l.add("   */");
    l.add("  static void tile(boolean runs, int p, int ob, float[] x, int[] xb, int[] off, int k0,");
    l.add("      int k1, float[] w, int wOff, float[] t) {");
    l.add("    switch (p * 8 + ob) {");
    for (int[] s : SHAPES) {
      String args = "(x, xb, off, k0, k1, w, wOff, t)";
      l.add("      case " + s[0] + " * 8 + " + s[1] + " -> {");
      l.add("        if (runs) {");
      l.add("          " + name(s[0], s[1], 4) + args + ";");
      l.add("        } else {");
      l.add("          " + name(s[0], s[1], 1) + args + ";");
      l.add("        }");
      l.add("      }");
    }
    l.add("      default -> throw new AssertionError(p + \"x\" + ob);");
    l.add("    }");
    l.add("  }");
  }

  private static String acc(int p, int j) {
    return "a" + p + "_" + j;
  }

  /** {@code base}, {@code base + LANES} or {@code base + n * LANES}; n = 0 alone is {@code zero}. */
  private static String lanes(int n, String base, String zero) {
    if (n == 0) {
      return zero;
    }
    return base + (n == 1 ? "LANES" : n + " * LANES");
  }

  private static void tile(List<String> l, int pixels, int ob, int unroll) {
    String blocks = ob + " block" + (ob > 1 ? "s" : "");
    l.add("");
    if (unroll == 1) {
      l.add("  /** " + pixels + " pixels x " + blocks + ", any taps. */");
    } else {
      l.add("  /**");
      l.add("   * " + pixels + " pixels x " + blocks + ", taps in runs of " + unroll
          + ": {@code k1 - k0} is a multiple of " + unroll);
      l.add("   * and {@code off[k + u] = off[k] + u} for {@code u < " + unroll
          + "} from each multiple of " + unroll + ".");
      l.add("   */");
    }
    l.add("  static void " + name(pixels, ob, unroll)
        + "(float[] x, int[] xb, int[] off, int k0, int k1, float[] w,");
    l.add("      int wOff, float[] t) {");
    l.add("    FloatVector z = FloatVector.zero(S);");
    for (int p = 0; p < pixels; p++) {
      List<String> decl = new ArrayList<>();
      for (int j = 0; j < ob; j++) {
        decl.add(acc(p, j) + " = z");
      }
      l.add("    FloatVector " + String.join(", ", decl) + ";");
    }
    for (int p = 0; p < pixels; p++) {
      l.add("    int b" + p + " = xb[" + p + "];");
    }
    l.add("    int stride = " + ob + " * LANES;");
    if (unroll == 1) {
      l.add("    for (int k = k0, wi = wOff + k0 * stride; k < k1; k++, wi += stride) {");
    } else {
      l.add("    for (int k = k0, wi = wOff + k0 * stride; k < k1; k += " + unroll + ", wi += "
          + unroll + " * stride) {");
    }
    l.add("      int o = off[k];");
    l.add("      FloatVector v;");
    for (int u = 0; u < unroll; u++) {
      for (int j = 0; j < ob; j++) {
        l.add("      FloatVector v" + u + "_" + j + " = FloatVector.fromArray(S, w, wi"
            + lanes(u * ob + j, " + ", "") + ");");
      }
      for (int p = 0; p < pixels; p++) {
        l.add("      v = FloatVector.broadcast(S, x[b" + p + " + o" + (u == 0 ? "" : " + " + u)
            + "]);");
        for (int j = 0; j < ob; j++) {
          l.add("      " + acc(p, j) + " = v.fma(v" + u + "_" + j + ", " + acc(p, j) + ");");
        }
      }
    }
    l.add("    }");
    for (int j = 0; j < ob; j++) {
      for (int p = 0; p < pixels; p++) {
        l.add("    " + acc(p, j) + ".intoArray(t, " + lanes(j * pixels + p, "", "0") + ");");
      }
    }
    l.add("  }");
  }
}

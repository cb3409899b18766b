import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code io/bocomp/engine/cpu/ConvMicroKernel.java}, the register-blocked tiles of
 * {@code VectorConvKernel}, under the folder given as the only argument. Maven runs it in
 * generate-sources with the JDK's single-file source launcher, as GenerateBlockedTiles; nothing it
 * generates is committed.
 *
 * <p>The four tiles (16 or 8 output channels, in 256-bit or 512-bit vectors) are one loop in four
 * shapes: the Vector API is fast only with a constant species and straight-line accumulators, so
 * each shape is written out rather than one method taking the species as a parameter.
 */
public final class GenerateConvMicroKernel {
  private static final int PIXELS = 6;

  private static final String HEAD = """
package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loops of {@link VectorConvKernel}, written with the incubating
 * Vector API (256-bit vectors: AVX2 on x86). A tile is {@value #PIXELS} consecutive output pixels
 * by 16 (or 8) output channels, accumulated in 12 (or 6) vector registers over the {@code K}
 * taps: per tap, one or two weight vectors are loaded (8 output channels each, packed
 * tap-major at plan time) and each pixel's input value is broadcast and multiplied into them
 * (fused multiply-add). With 12 accumulators, 2 weight registers and 1 broadcast register the
 * loop keeps 15 of AVX2's 16 vector registers busy and needs 8 loads per 12 FMAs, so it is bound
 * by the FMA units, not by loads.
 *
 * <p>The pixels of a tile are at {@code base + offset[k] + p} for {@code p < 6}: consecutive
 * addresses with constant offsets from one index, so C2 checks the array bounds once per tap
 * rather than once per load ({@link PolyphaseStaging} arranges the input that way). HotSpot keeps
 * the accumulators in registers only while this loop is a single loop in one method; a nested
 * loop over taps and channels made C2 box the vectors (measured 30x slower on JDK 17).
 *
 * <p>Only {@link VectorConvKernel} loads this class, and only when the {@code
 * jdk.incubator.vector} module is present ({@link VectorSupport}). Generated at build time by
 * {@code java/src/build/GenerateConvMicroKernel.java}; edit that, not this file.
 */
final class ConvMicroKernel {
  /** Output pixels per tile. */
  static final int PIXELS = %d;
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  /** 512-bit vectors when the JVM's kernels use them ({@link VectorShape}): one per 16 channels. */
  private static final VectorSpecies<Float> W = VectorShape.FLOATS;
  private static final boolean WIDE = W.length() == 16;
  /** The first 8 lanes of a wide vector. */
  private static final VectorMask<Float> HALF = WIDE ? W.indexInRange(0, 8) : null;

  private ConvMicroKernel() {}

  /** True if 256-bit float vectors are hardware vectors here (else the Vector API emulates). */
  static boolean hardwareSupported() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }
""".formatted(PIXELS);

  /**
   * One tile method.
   *
   * @param channels output channels per tile: the floats per tap in {@code w}, per pixel in
   *     {@code out}
   * @param species the vector species constant of the generated class ({@code S} or {@code W})
   * @param lanes channels per vector (8, or 16 for an unmasked {@code W})
   * @param mask the mask constant of masked loads and stores, or null
   * @param wide the method to call instead when {@code WIDE}, or null
   */
  private record Tile(List<String> doc, String name, boolean isPrivate, int channels,
      String species, int lanes, String mask, String wide) {}

  private static final List<Tile> TILES = List.of(
      new Tile(List.of("/**", " * {@code out[p * 16 + o] = bias[b0 + o] + sum_k w[w0 + 16 k + o]"
          + " * x[base + offset[k] + p]} for",
          " * 6 pixels {@code p} and 16 output channels {@code o}.",
          " */"), "tile16", false, 16, "S", 8, null, "tile16Wide"),
      new Tile(List.of("/** {@link #tile16} for 8 output channels ({@code w} packed 8 wide):"
          + " {@code out[p * 8 + o]}. */"), "tile8", false, 8, "S", 8, null, "tile8Wide"),
      new Tile(List.of("/** {@link #tile16} with one 512-bit vector per tap and pixel. */"),
          "tile16Wide", true, 16, "W", 16, null, null),
      new Tile(List.of("/** {@link #tile8} on the first 8 lanes of 512-bit vectors (masked"
          + " loads and stores). */"), "tile8Wide", true, 8, "W", 8, "HALF", null));

  private GenerateConvMicroKernel() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: java GenerateConvMicroKernel.java OUTPUT_DIR");
    }
    Path out = Path.of(args[0], "io", "bocomp", "engine", "cpu", "ConvMicroKernel.java");
    List<String> l = new ArrayList<>();
    l.add(HEAD.stripTrailing());
    TILES.forEach(t -> tile(l, t));
    l.add("}");
    String text = String.join("\n", l) + "\n";
    if (!Files.exists(out) || !Files.readString(out, StandardCharsets.UTF_8).equals(text)) {
      Files.createDirectories(out.getParent());
      Files.writeString(out, text, StandardCharsets.UTF_8); // else keep the timestamp
    }
  }

  /** {@code base}, or {@code base + n} for n > 0. */
  private static String plus(String base, int n) {
    return n == 0 ? base : base + " + " + n;
  }

  /** Vector {@code j} of {@code prefix} (the one vector's name is {@code prefix} alone). */
  private static String name(String prefix, int j, int vectors) {
    return vectors == 1 ? prefix : prefix + j;
  }

  private static void tile(List<String> l, Tile t) {
    int vectors = t.channels / t.lanes;
    String masked = t.mask == null ? ")" : ", " + t.mask + ")";
    l.add("");
    t.doc.forEach(d -> l.add("  " + d));
    String params = "(float[] x, int base, int[] offset, int k, float[] w, int w0,";
    l.add(t.isPrivate ? "  private static void " + t.name + params + "\n      float[] bias, int b0,"
        + " float[] out) {" : "  static void " + t.name + params + " float[] bias,\n      int b0,"
        + " float[] out) {");
    if (t.wide != null) {
      l.add("    if (WIDE) {");
      l.add("      " + t.wide + "(x, base, offset, k, w, w0, bias, b0, out);");
      l.add("      return;");
      l.add("    }");
    }
    for (int j = 0; j < vectors; j++) {
      l.add("    FloatVector " + name("c", j, vectors) + " = FloatVector.fromArray(" + t.species
          + ", bias, " + plus("b0", j * t.lanes) + masked + ";");
    }
    for (int p = 0; p < PIXELS; p++) {
      for (int j = 0; j < vectors; j++) {
        l.add("    FloatVector " + name("a" + p, j, vectors) + " = " + name("c", j, vectors) + ";");
      }
    }
    l.add("    for (int i = 0; i < k; i++) {");
    for (int j = 0; j < vectors; j++) {
      l.add("      FloatVector " + name("v", j, vectors) + " = FloatVector.fromArray(" + t.species
          + ", w, " + plus("w0 + " + t.channels + " * i", j * t.lanes) + masked + ";");
    }
    l.add("      int o = base + offset[i];");
    for (int p = 0; p < PIXELS; p++) {
      String b = "FloatVector.broadcast(" + t.species + ", x[" + plus("o", p) + "])";
      if (vectors == 1) {
        l.add("      a" + p + " = " + b + ".fma(v, a" + p + ");");
        continue;
      }
      l.add("      " + (p == 0 ? "FloatVector b" : "b") + " = " + b + ";");
      for (int j = 0; j < vectors; j++) {
        l.add("      a" + p + j + " = b.fma(v" + j + ", a" + p + j + ");");
      }
    }
    l.add("    }");
    for (int p = 0; p < PIXELS; p++) {
      for (int j = 0; j < vectors; j++) {
        l.add("    " + name("a" + p, j, vectors) + ".intoArray(out, "
            + (p * t.channels + j * t.lanes) + (t.mask == null ? "" : ", " + t.mask) + ");");
      }
    }
    l.add("  }");
  }
}

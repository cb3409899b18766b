import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes {@code io/bocomp/engine/cpu/VectorMathKernels.java}, the vector loops of
 * {@code VectorMath} (exp, erf, Gelu, Softmax), under the folder given as the only argument. Maven
 * runs it in generate-sources with the JDK's single-file source launcher, as GenerateBlockedTiles;
 * nothing it generates is committed.
 *
 * <p>Why generated: the loops must have the exp and erf polynomials written out in their bodies.
 * Called as methods from a loop over short rows (a GEMM epilogue), they are not inlined by C2, and
 * a vector passed to a method that is not inlined is boxed (see {@code VectorMath.gelu(float[],
 * int, int, float[])}). So this program holds each polynomial's coefficients and the exp body
 * once, and the template below names them by macro lines, expanded in place with the line's
 * indentation:
 *
 * <ul>
 *   <li>{@code @poly ACC VAR TABLE}: {@code ACC = TABLE(VAR)} by Horner's rule with fused
 *       multiply-adds, highest degree first ({@code ACC} declared by the first line);
 *   <li>{@code @exp IN T N P Y}: Cephes expf of {@code IN} up to the scale: {@code Y = e^r} and
 *       {@code bits}, the integer vector whose float reinterpretation is {@code 2^n} (the caller
 *       multiplies them and applies the range checks it needs); T, N and P name the temporaries;
 *   <li>{@code @erfSmall}: {@code small = x P(x^2)}, erf of {@code x} below the split;
 *   <li>{@code @inPlace FN SCALAR}: the method that applies {@code FN} to an array in place.
 * </ul>
 */
public final class GenerateVectorMathKernels {
  /** Cephes expf: {@code e^r = 1 + r + r^2 EXP_P(r)}. */
  private static final List<String> EXP_P = List.of("1.9875691500e-4f", "1.3981999507e-3f",
      "8.3334519073e-3f", "4.1665795894e-2f", "1.6666665459e-1f", "5.0000001201e-1f");
  /** {@code erf(x) = x ERF_P(x^2)} for {@code |x| < 0.921875}. */
  private static final List<String> ERF_P = List.of("-6.013390375301242e-4f",
      "4.997999873012304e-3f", "-2.6770230382680893e-2f", "1.1281926929950714e-1f",
      "-3.761250674724579e-1f", "1.1283791065216064f");
  /** {@code log erfc(x) = ERF_Q(x - 0.921875)} for {@code 0.921875 <= x <= 3.925}. */
  private static final List<String> ERF_Q = List.of("1.6306649968100828e-6f",
      "-3.386771641089581e-5f", "3.3775807241909206e-4f", "-2.20600632019341e-3f",
      "1.0905151255428791e-2f", "-4.4848404824733734e-2f", "-8.329841494560242e-1f",
      "-2.5080127716064453f", "-1.648561954498291f");
  private static final Map<String, List<String>> TABLES =
      Map.of("EXP_P", EXP_P, "ERF_P", ERF_P, "ERF_Q", ERF_Q);
  /** A macro argument in a template: {@code $name}. */
  private static final Pattern ARG = Pattern.compile("\\$(\\w+)");

  /** {@code @exp IN T N P Y}; {@code $in} and the like are the macro's arguments. */
  private static final String EXP = """
FloatVector $t = $in.fma(LOG2E, MAGIC);
FloatVector $n = $t.sub(MAGIC);
FloatVector r = $n.fma(FloatVector.broadcast(S, -LN2_HI), $in);
r = $n.fma(FloatVector.broadcast(S, -LN2_LO), r);
@poly $p r EXP_P
FloatVector $y = $p.fma(r.mul(r), r).add(1f);
IntVector bits = ((IntVector) $t.reinterpretAsInts()).sub(MAGIC_BITS - 127)
    .lanewise(VectorOperators.LSHL, 23);
""";

  /** {@code @erfSmall}. */
  private static final String ERF_SMALL = """
FloatVector t = x.mul(x);
@poly p t ERF_P
FloatVector small = x.mul(p);
""";

  /** {@code @inPlace FN SCALAR}: FN on an array, the tail by the double function SCALAR. */
  private static final String IN_PLACE = """
/** {@link #$fn(FloatVector)} on {@code a[from, to)} in place, the tail in double (test hook). */
static void $fn(float[] a, int from, int to) {
  int i = from;
  for (; i <= to - L; i += L) {
    $fn(FloatVector.fromArray(S, a, i)).intoArray(a, i);
  }
  for (; i < to; i++) {
    a[i] = (float) $scalar(a[i]);
  }
}
""";

  private static final String CLASS = """
package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector code of {@link VectorMath}: the lane-wise {@link #exp} and {@link #erf} (domains and
 * accuracy in VectorMath's class comment) and the array loops of Gelu and Softmax, each loop with
 * the exp and erf polynomials written out in its body: called as methods on short rows, C2 does
 * not inline them, and a vector passed to a method that is not inlined is boxed (see
 * {@link VectorMath#gelu(float[], int, int, float[])}). Generated at build time by
 * {@code java/src/build/GenerateVectorMathKernels.java}, which holds each polynomial's
 * coefficients and the exp body once; edit that, not this file.
 */
final class VectorMathKernels {
  private static final VectorSpecies<Float> S = VectorMath.S;
  private static final int L = VectorMath.L;

  private static final float LOG2E = 1.44269504088896341f;
  private static final float MAGIC = 12582912f; // 1.5 * 2^23
  private static final int MAGIC_BITS = 0x4B400000;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  private static final float EXP_LO = -87.33654f;
  private static final float EXP_HI = 88f;
  private static final float ERF_SPLIT = 0.921875f;
  private static final float ERF_HI = 3.925f;
  static final float SQRT_HALF = 0.70710678118654752f;

  private VectorMathKernels() {}

  /** {@code p * x + c}. */
  private static FloatVector horner(FloatVector p, FloatVector x, float c) {
    return p.fma(x, FloatVector.broadcast(S, c));
  }

  /** {@code e^x} lane-wise (domain and accuracy in VectorMath's class comment). */
  static FloatVector exp(FloatVector x) {
    // out of range lanes compute garbage, replaced by the blends at the end
    @exp x t n p y
    y = y.mul(bits.reinterpretAsFloats());
    y = y.blend(0f, x.compare(VectorOperators.LT, EXP_LO));
    return y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
  }

  /** {@code erf(x)} lane-wise (accuracy in VectorMath's class comment). */
  static FloatVector erf(FloatVector x) {
    FloatVector a = x.abs();
    @erfSmall
    FloatVector u = a.min(ERF_HI).sub(ERF_SPLIT);
    @poly q u ERF_Q
    FloatVector big = exp(q).neg().add(1f);
    big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
    return small.blend(big, a.compare(VectorOperators.GE, ERF_SPLIT));
  }

  @inPlace exp Math.exp

  @inPlace erf ErrorFunction.erf

  /** {@code tmp[i - from] = Q(min(|x|, 3.925) - 0.921875)} with {@code x = a[i] / sqrt 2}. */
  static void erfTailLog(float[] a, int from, int to, float[] tmp) {
    for (int i = from, j = 0; i < to; i += L, j += L) {
      FloatVector u = FloatVector.fromArray(S, a, i).mul(SQRT_HALF).abs().min(ERF_HI)
          .sub(ERF_SPLIT);
      @poly q u ERF_Q
      q.intoArray(tmp, j);
    }
  }

  /** Gelu of {@code a[from, to)} from the log-erfc values {@link #erfTailLog} left in tmp. */
  static void geluFinish(float[] a, int from, int to, float[] tmp) {
    for (int i = from, j = 0; i < to; i += L, j += L) {
      FloatVector v = FloatVector.fromArray(S, a, i);
      FloatVector x = v.mul(SQRT_HALF);
      @erfSmall
      // exp(q), q in [-18, -1.6]: no range checks needed
      FloatVector q = FloatVector.fromArray(S, tmp, j);
      @exp q et en ep e
      FloatVector big = e.mul(bits.reinterpretAsFloats()).neg().add(1f);
      big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
      FloatVector erf = small.blend(big, x.abs().compare(VectorOperators.GE, ERF_SPLIT));
      v.mul(0.5f).mul(erf.add(1f)).intoArray(a, i);
    }
  }

  /** {@link VectorMath#softmaxRows} (see there), its exp written out. */
  static void softmaxRows(float[] v, int rows, int stride) {
    for (int row = 0; row < rows; row++) {
      int base = row * stride;
      int end = base + stride;
      FloatVector m = FloatVector.fromArray(S, v, base);
      for (int i = base + L; i < end; i += L) {
        m = m.max(FloatVector.fromArray(S, v, i));
      }
      float max = m.reduceLanes(VectorOperators.MAX);
      FloatVector sum = FloatVector.zero(S);
      for (int i = base; i < end; i += L) {
        // exp(x - max) of x <= max, exp written out as in geluFinish
        FloatVector x = FloatVector.fromArray(S, v, i).sub(max);
        @exp x t n p e
        e = e.mul(bits.reinterpretAsFloats()).blend(0f, x.compare(VectorOperators.LT, EXP_LO));
        e.intoArray(v, i);
        sum = sum.add(e);
      }
      float inv = 1f / sum.reduceLanes(VectorOperators.ADD);
      for (int i = base; i < end; i += L) {
        FloatVector.fromArray(S, v, i).mul(inv).intoArray(v, i);
      }
    }
  }
}
""";

  private GenerateVectorMathKernels() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: java GenerateVectorMathKernels.java OUTPUT_DIR");
    }
    Path out = Path.of(args[0], "io", "bocomp", "engine", "cpu", "VectorMathKernels.java");
    String text = String.join("\n", expand(CLASS, "", Map.of())) + "\n";
    if (Files.exists(out) && Files.readString(out, StandardCharsets.UTF_8).equals(text)) {
      return; // unchanged: keep the timestamp so the compiler need not recompile
    }
    Files.createDirectories(out.getParent());
    Files.writeString(out, text, StandardCharsets.UTF_8);
  }

  /**
   * The lines of {@code template}, each after {@code indent}, with {@code $name} replaced by
   * {@code args.get(name)} and the macro lines expanded.
   */
  static List<String> expand(String template, String indent, Map<String, String> args) {
    List<String> out = new ArrayList<>();
    for (String line : template.split("\n", -1)) {
      line = ARG.matcher(line).replaceAll(m -> {
        String value = args.get(m.group(1));
        if (value == null) {
          throw new IllegalArgumentException("no argument " + m.group() + " in: " + template);
        }
        return Matcher.quoteReplacement(value);
      });
      String body = line.strip();
      String in = indent + line.substring(0, line.length() - line.stripLeading().length());
      if (body.startsWith("@")) {
        out.addAll(macro(body.substring(1).split(" "), in));
      } else {
        out.add(body.isEmpty() ? "" : indent + line);
      }
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static List<String> macro(String[] call, String indent) {
    switch (call[0]) {
      case "poly" -> {
        List<String> c = TABLES.get(call[3]);
        List<String> out = new ArrayList<>();
        out.add(indent + "FloatVector " + call[1] + " = FloatVector.broadcast(S, " + c.get(0)
            + ");");
        for (String k : c.subList(1, c.size())) {
          out.add(indent + call[1] + " = horner(" + call[1] + ", " + call[2] + ", " + k + ");");
        }
        return out;
      }
      case "exp" -> {
        return expand(EXP, indent,
            Map.of("in", call[1], "t", call[2], "n", call[3], "p", call[4], "y", call[5]));
      }
      case "inPlace" -> {
        return expand(IN_PLACE, indent, Map.of("fn", call[1], "scalar", call[2]));
      }
      case "erfSmall" -> {
        return expand(ERF_SMALL, indent, Map.of());
      }
      default -> throw new IllegalArgumentException("unknown macro @" + call[0]);
    }
  }
}

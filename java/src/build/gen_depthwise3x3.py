# Generates BlockedDepthwise3x3.java and BlockedDepthwise3x3Stride2.java in
# java/src/main/java/io/bocomp/engine/cpu/ (see their Javadoc). Run from the repository root:
#   python3 java/src/build/gen_depthwise3x3.py
import sys
def weights(P):
    out = []
    for i in range(3):
        for j in range(3):
            t = i * 3 + j
            off = f" + {t} * L" if t else ""
            out.append(f"{P}FloatVector w{i}{j} = FloatVector.fromArray(S, w, w0{off});")
    return out

def group(n, s, P):
    out = [f"{P}int at = xi + c * L;" if s == 1 else f"{P}int at = xi + c * {s} * L;"]
    for m in range(n):
        out.append(f"{P}FloatVector a{m} = FloatVector.zero(S);")
    out.append(f"{P}FloatVector v;")
    for i in range(3):
        base = ["at", "at + xRow", "at + 2 * xRow"][i]
        for k in range((n - 1) * s + 3):
            targets = [(m, k - m * s) for m in range(n) if 0 <= k - m * s <= 2]
            if not targets:
                continue
            off = f" + {k} * L" if k else ""
            out.append(f"{P}v = FloatVector.fromArray(S, x, {base}{off});")
            line = P + " ".join(f"a{m} = v.fma(w{i}{j}, a{m});" for m, j in targets)
            if len(line) <= 100:
                out.append(line)
            else:
                for m, j in targets:
                    out.append(f"{P}a{m} = v.fma(w{i}{j}, a{m});")
    for m in range(n):
        off = f" + {m} * L" if m else ""
        out.append(f"{P}a{m}.intoArray(y, yi + c * L{off});")
    return out

L = []
L.append("""package io.bocomp.engine.cpu;

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
 * by {@code java/src/build/gen_depthwise3x3.py} (run from the repository root); change the
 * generator, then regenerate.
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
""")
def methods(s, suffix, vis):
    L = []
    L.append(f"""  /** Pixels {{@code 0 .. 8 * groups - 1}} at stride {s}, eight at a time. */
  {vis}static void eights{suffix}(float[] x, int xi, int xRow, float[] w, int w0, float[] y,
      int yi, int groups) {{""")
    L += weights("    ")
    L.append("    for (int c = 0; c < 8 * groups; c += 8) {")
    L += group(8, s, "      ")
    L.append("    }")
    L.append("  }")
    L.append("")
    for g, name in ((4, "four"), (3, "three"), (2, "two")):
        L.append(f"""  /** Pixels {{@code c .. c + {g - 1}}} at stride {s}. */
  {vis}static void {name}{suffix}(float[] x, int xi, int xRow, float[] w, int w0, float[] y,
      int yi, int c) {{""")
        L += weights("    ")
        L += group(g, s, "    ")
        L.append("  }")
        L.append("")
    return L

L += methods(1, "Stride1", "private ")
L.append("""  /** One pixel whose first tap is {@code x[at]}; one loop over the taps, as the generic kernel. */
  private static void one(float[] x, int at, int xRow, float[] w, int w0, float[] y, int yi) {
    FloatVector a = FloatVector.zero(S);
    for (int t = 0; t < 9; t++) {
      a = FloatVector.fromArray(S, x, at + (t / 3) * xRow + (t % 3) * L)
          .fma(FloatVector.fromArray(S, w, w0 + t * L), a);
    }
    a.intoArray(y, yi);
  }
}""")
L2 = ["""package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The stride-2 groups of {@link BlockedDepthwise3x3} (see there). Generated by {@code
 * java/src/build/gen_depthwise3x3.py}; change the generator, then regenerate.
 */
final class BlockedDepthwise3x3Stride2 {
  private static final VectorSpecies<Float> S = BlockedMicroKernels.S;
  private static final int L = BlockedMicroKernels.LANES;

  private BlockedDepthwise3x3Stride2() {}
"""]
L2 += methods(2, "", "")
while L2[-1] == "":
    L2.pop()
L2.append("}")
out = "java/src/main/java/io/bocomp/engine/cpu/"
open(out + "BlockedDepthwise3x3.java", "w").write("\n".join(L) + "\n")
open(out + "BlockedDepthwise3x3Stride2.java", "w").write("\n".join(L2) + "\n")

# Generates java/src/main/java/io/bocomp/engine/cpu/BlockedDepthwise3x3.java (see its Javadoc).
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
 * use. The pixels go 8, then 4, then 1 at a time; each input vector is loaded once for all the
 * outputs of the group that read it (up to 3), and the nine tap weights are loaded once per call,
 * where the generic loop loads every input once per tap and a weight per tap: at stride 1, 30
 * input loads per 8 outputs instead of 72. Each output sums its taps in the generic loop's order
 * (kernel row, then column; fused multiply-adds from zero), so both give the same floats.
 *
 * <p>Each group width and stride is its own method of at most ~2,600 bytes of bytecode: C1 gives up
 * on a larger method of vector code ("out of virtual registers"), and then a method may stay in
 * slow code, where the Vector API allocates every vector, until C2 compiles it, if ever. Generated
 * by {@code java/src/build/gen_depthwise3x3.py}; change the generator, then regenerate.
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
    } else {
      if (eights > 0) {
        eightsStride2(x, xi, xRow, w, w0, y, yi, eights);
      }
      if (c + 4 <= n) {
        fourStride2(x, xi, xRow, w, w0, y, yi, c);
        c += 4;
      }
    }
    for (; c < n; c++) {
      one(x, xi + c * stride * L, xRow, w, w0, y, yi + c * L);
    }
  }
""")
for s in (1, 2):
    L.append(f"""  /** Pixels {{@code 0 .. 8 * groups - 1}} at stride {s}, eight at a time. */
  private static void eightsStride{s}(float[] x, int xi, int xRow, float[] w, int w0, float[] y,
      int yi, int groups) {{""")
    L += weights("    ")
    L.append("    for (int c = 0; c < 8 * groups; c += 8) {")
    L += group(8, s, "      ")
    L.append("    }")
    L.append("  }")
    L.append("")
    L.append(f"""  /** Pixels {{@code c .. c + 3}} at stride {s}. */
  private static void fourStride{s}(float[] x, int xi, int xRow, float[] w, int w0, float[] y,
      int yi, int c) {{""")
    L += weights("    ")
    L += group(4, s, "    ")
    L.append("  }")
    L.append("")
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
print("\n".join(L))

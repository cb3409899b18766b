package io.bocomp.compress;

import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.engine.Decompositions.Tucker2Factors;
import io.bocomp.model.Tensor;

/**
 * The decomposition of one layer, computed once per model: the thin SVD of an FC / 1x1-conv matrix
 * (possibly a randomized truncation for very large layers) or the full-rank Tucker-2 (HOSVD) of a
 * conv kernel. Any rank is a slice of these factors; nothing here is recomputed per trial.
 *
 * <p>Energy of a rank is the fraction of ||W||<sub>F</sub><sup>2</sup> kept: the sum of the kept
 * squared singular values (SVD) or of the kept Gram eigenvalues of one mode (Tucker-2) over the
 * total. For a randomized truncation the total is the exact ||W||<sub>F</sub><sup>2</sup>, so
 * energies above what the cached ranks capture are reported as unreachable.
 */
public final class LayerFactors {
  private final String layer;
  private final SvdFactors svd;
  private final boolean truncated;
  private final Tucker2Factors tucker;
  private final double totalEnergy;
  private final double[] svdEnergy;
  private final double[] outEnergy;
  private final double[] inEnergy;

  private LayerFactors(String layer, SvdFactors svd, boolean truncated, Tucker2Factors tucker,
      double totalEnergy) {
    this.layer = layer;
    this.svd = svd;
    this.truncated = truncated;
    this.tucker = tucker;
    this.totalEnergy = totalEnergy;
    if (svd != null) {
      Tensor s = svd.s();
      double[] sq = new double[s.size()];
      for (int i = 0; i < sq.length; i++) {
        sq[i] = (double) s.get(i) * s.get(i);
      }
      this.svdEnergy = cumulative(sq, totalEnergy);
      this.outEnergy = null;
      this.inEnergy = null;
    } else {
      this.svdEnergy = null;
      this.outEnergy = cumulative(toDoubles(tucker.eigOut()), totalEnergy);
      this.inEnergy = cumulative(toDoubles(tucker.eigIn()), totalEnergy);
    }
  }

  /** SVD factors (full thin SVD, or a randomized truncation when {@code truncated}). */
  public static LayerFactors ofSvd(String layer, SvdFactors f, boolean truncated,
      double totalEnergy) {
    return new LayerFactors(layer, f, truncated, null, totalEnergy);
  }

  /** Full-rank Tucker-2 factors; the total energy is the sum of either mode's eigenvalues. */
  public static LayerFactors ofTucker(String layer, Tucker2Factors f) {
    double total = 0;
    for (double e : toDoubles(f.eigOut())) {
      total += e;
    }
    return new LayerFactors(layer, null, false, f, total);
  }

  public String layer() {
    return layer;
  }

  public boolean isSvd() {
    return svd != null;
  }

  /** The SVD factors; throws for a Tucker-2 layer. */
  public SvdFactors svd() {
    if (svd == null) {
      throw new IllegalStateException(layer + " has Tucker-2 factors, not SVD");
    }
    return svd;
  }

  /** The Tucker-2 factors; throws for an SVD layer. */
  public Tucker2Factors tucker() {
    if (tucker == null) {
      throw new IllegalStateException(layer + " has SVD factors, not Tucker-2");
    }
    return tucker;
  }

  /** True if the SVD is a randomized truncation (ranks above {@link #maxRank()} not cached). */
  public boolean truncated() {
    return truncated;
  }

  /** ||W||_F^2. */
  public double totalEnergy() {
    return totalEnergy;
  }

  /** Largest SVD rank available as a slice. */
  public int maxRank() {
    return svd().s().size();
  }

  /** Energy fraction kept by SVD rank k (1 <= k <= maxRank). */
  public double energyAtRank(int k) {
    return svdEnergy[k - 1];
  }

  /** Smallest SVD rank keeping at least {@code fraction} of the energy, or -1 if not cached. */
  public int rankForEnergy(double fraction) {
    svd();
    return smallestReaching(svdEnergy, fraction);
  }

  /** Smallest Tucker-2 ranks [r_in, r_out] keeping {@code fraction} of each mode's energy. */
  public int[] ranksForEnergy(double fraction) {
    tucker();
    return new int[] {smallestReaching(inEnergy, fraction), smallestReaching(outEnergy, fraction)};
  }

  private static int smallestReaching(double[] cumulative, double fraction) {
    // Relative slack so that fraction 1.0 is reachable despite float rounding of the total.
    double target = fraction * (1 - 1e-6);
    for (int i = 0; i < cumulative.length; i++) {
      if (cumulative[i] >= target) {
        return i + 1;
      }
    }
    return -1;
  }

  private static double[] cumulative(double[] v, double total) {
    double[] c = new double[v.length];
    double acc = 0;
    for (int i = 0; i < v.length; i++) {
      acc += v[i];
      c[i] = total > 0 ? acc / total : 1;
    }
    return c;
  }

  private static double[] toDoubles(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.get(i);
    }
    return d;
  }
}

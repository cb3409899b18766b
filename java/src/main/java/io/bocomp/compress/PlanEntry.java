package io.bocomp.compress;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a {@link CompressionPlan}: a layer (ONNX node name), a method and exactly one
 * parameter of those the method takes. {@code svd}: {@code rank} or {@code energy};
 * {@code tucker2}: {@code ranks} ([input-channel rank, output-channel rank]) or {@code energy};
 * {@code prune} and {@code filter_prune}: {@code fraction} (of weights or filters REMOVED);
 * {@code quantize}: none. Unused parameters are null.
 *
 * <p>Any entry may also quantize the layer's resulting weights ({@code bits}: 2, 3, 4, 5, 6 or
 * 8; required for {@code quantize}) per output channel, or, for Gemm/MatMul weights, per
 * {@code group} of 32, 64 or 128 inputs ({@link WeightQuantizer}).
 *
 * @param name the layer's node name
 * @param method the method
 * @param rank SVD rank, or null
 * @param ranks Tucker-2 ranks [r_in, r_out], or null
 * @param energy fraction of the singular-value (or per-mode eigenvalue) energy to keep, or null
 * @param fraction fraction of weights / filters removed, or null
 * @param bits bit width of the weights' integer codes, or null for float weights
 * @param group inputs per scale (32, 64, 128) for Gemm/MatMul weights, or null for one scale per
 *     output channel
 */
public record PlanEntry(String name, Method method, Integer rank, int[] ranks, Double energy,
    Double fraction, Integer bits, Integer group) {

  public PlanEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(method, "method");
    ranks = ranks == null ? null : ranks.clone();
  }

  /** An entry with float weights. */
  public PlanEntry(String name, Method method, Integer rank, int[] ranks, Double energy,
      Double fraction) {
    this(name, method, rank, ranks, energy, fraction, null, null);
  }

  /** The layer's weight alone quantized to {@code bits} (group 0: per output channel). */
  public static PlanEntry quantize(String layer, int bits, int group) {
    return new PlanEntry(layer, Method.QUANTIZE, null, null, null, null, bits,
        group == 0 ? null : group);
  }

  /** This entry with its weights quantized ({@code bits} 0: float; group 0: per channel). */
  public PlanEntry withBits(int bits, int group) {
    return new PlanEntry(name, method, rank, ranks, energy, fraction, bits == 0 ? null : bits,
        bits == 0 || group == 0 ? null : group);
  }

  /** Bit width of the weights, 0 for float. */
  public int bitWidth() {
    return bits == null ? 0 : bits;
  }

  /** Inputs per scale, 0 for per output channel. */
  public int groupSize() {
    return group == null ? 0 : group;
  }

  @Override
  public int[] ranks() {
    return ranks == null ? null : ranks.clone();
  }

  public static PlanEntry svdRank(String layer, int rank) {
    return new PlanEntry(layer, Method.SVD, rank, null, null, null);
  }

  public static PlanEntry tucker2(String layer, int rankIn, int rankOut) {
    return new PlanEntry(layer, Method.TUCKER2, null, new int[] {rankIn, rankOut}, null, null);
  }

  public static PlanEntry energy(String layer, Method method, double energy) {
    return new PlanEntry(layer, method, null, null, energy, null);
  }

  public static PlanEntry prune(String layer, double fraction) {
    return new PlanEntry(layer, Method.PRUNE, null, null, null, fraction);
  }

  public static PlanEntry filterPrune(String layer, double fraction) {
    return new PlanEntry(layer, Method.FILTER_PRUNE, null, null, null, fraction);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlanEntry e && name.equals(e.name) && method == e.method
        && Objects.equals(rank, e.rank) && Arrays.equals(ranks, e.ranks)
        && Objects.equals(energy, e.energy) && Objects.equals(fraction, e.fraction)
        && Objects.equals(bits, e.bits) && Objects.equals(group, e.group);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, method, rank, Arrays.hashCode(ranks), energy, fraction, bits, group);
  }

  @Override
  public String toString() {
    String p = rank != null ? "rank " + rank : ranks != null ? "ranks " + Arrays.toString(ranks)
        : energy != null ? "energy " + energy : fraction != null ? "fraction " + fraction : "";
    String q = bits == null ? "" : (p.isEmpty() ? "" : ", ") + bits + " bits"
        + (group == null ? "" : " per " + group);
    return name + ": " + method.json() + (p.isEmpty() && q.isEmpty() ? "" : " ") + p + q;
  }
}

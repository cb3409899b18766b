package io.bocomp.compress;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a {@link CompressionPlan}: a layer (ONNX node name), a method and exactly one
 * parameter of those the method takes. {@code svd}: {@code rank} or {@code energy};
 * {@code tucker2}: {@code ranks} ([input-channel rank, output-channel rank]) or {@code energy};
 * {@code prune} and {@code filter_prune}: {@code fraction} (of weights or filters REMOVED).
 * Unused parameters are null.
 *
 * @param name the layer's node name
 * @param method the method
 * @param rank SVD rank, or null
 * @param ranks Tucker-2 ranks [r_in, r_out], or null
 * @param energy fraction of the singular-value (or per-mode eigenvalue) energy to keep, or null
 * @param fraction fraction of weights / filters removed, or null
 */
public record PlanEntry(String name, Method method, Integer rank, int[] ranks, Double energy,
    Double fraction) {

  public PlanEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(method, "method");
    ranks = ranks == null ? null : ranks.clone();
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
        && Objects.equals(energy, e.energy) && Objects.equals(fraction, e.fraction);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, method, rank, Arrays.hashCode(ranks), energy, fraction);
  }

  @Override
  public String toString() {
    String p = rank != null ? "rank " + rank : ranks != null ? "ranks " + Arrays.toString(ranks)
        : energy != null ? "energy " + energy : "fraction " + fraction;
    return name + ": " + method.json() + " " + p;
  }
}

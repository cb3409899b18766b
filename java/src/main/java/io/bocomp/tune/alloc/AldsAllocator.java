package io.bocomp.tune.alloc;

/**
 * ALDS (Liebenwein, Maalouf, Gal, Feldman, Rus, "Compressing Neural Networks: Towards Determining
 * the Optimal Layer-wise Decomposition", NeurIPS 2021), in its plain form k = 1: one global
 * relative error epsilon, every layer at the smallest rank j whose operator-norm error
 * sigma_{j+1}(W) / ||W||_2 is at most epsilon (torchprune's ALDSErrorAllocator: the number of
 * singular values with sigma_i / ||W||_2 > epsilon), and epsilon the smallest value whose plan
 * meets the budget (exactly: {@link ThresholdFamily} tries every value where a rank changes, where
 * the paper bisects). The reported epsilon is the largest error any searched layer keeps, a value
 * that gives this very plan.
 *
 * <p>Layer error here: for SVD layers (FC, 1x1 convolutions) exactly ALDS's k = 1 error. A k x k
 * convolution is factorized by Tucker-2 in bocomp; its error is the larger of the two unfoldings'
 * sigma_{r+1} / sigma_1 (input- and output-channel modes, from the cached Gram eigenvalues), the
 * two modes standing in for ALDS's max over channel subspaces.
 *
 * <p>What is missing for k &gt; 1 and the alternation over k: ALDS splits a layer's input channels
 * into k subspaces and decomposes each C_out x (C_in/k * kh * kw) block by its own SVD (a grouped
 * kh x kw convolution to k * j channels, then a 1 x 1 convolution summing them), and alternates
 * between the global epsilon and each layer's best k for its share of the budget. bocomp has no
 * such grouped-SVD method (plans, {@code PlanApplier}, the cost model) and caches the spectrum of
 * the whole unfolding only, not of each block; with k fixed at 1 the alternation has one choice and
 * ends after its first step, so it is not run.
 */
public final class AldsAllocator extends ScoreThresholdAllocator {
  public AldsAllocator() {
    // s = -epsilon: option i is needed once epsilon falls below option i-1's error; the reported
    // epsilon is the largest error kept
    super("alds", "epsilon", (l, i) -> -l.relError[i], least -> Math.max(0, -least));
  }
}

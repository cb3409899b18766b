package io.bocomp.compress;

/**
 * The resolved form of one layer under a plan: its final method and shape parameters.
 *
 * @param layer the layer
 * @param entry the plan entry that named it, or null when the plan does not list it
 * @param method the method applied, or null when the layer stays dense (unlisted, or kept dense by
 *     the dense-if-not-cheaper rule)
 * @param rank SVD rank (0 unless method is SVD)
 * @param rankIn Tucker-2 input-channel rank (0 unless TUCKER2)
 * @param rankOut Tucker-2 output-channel rank (0 unless TUCKER2)
 * @param keptOutputs output channels/features kept (fewer only under FILTER_PRUNE)
 * @param keptInputs input channels/features kept (fewer when the layer feeding it is filter-pruned)
 * @param zeroedWeights weights set to zero (PRUNE), out of the layer's (possibly input-pruned)
 *     weight elements
 * @param note what the resolver changed or decided, or null
 * @param bits bit width every weight tensor of the layer (its factors, its pruned or kept weight)
 *     is quantized to, 0 for float weights
 * @param group inputs per quantization scale for Gemm/MatMul weights, 0 for one scale per output
 *     channel
 */
public record LayerChoice(CompressibleLayer layer, PlanEntry entry, Method method, int rank,
    int rankIn, int rankOut, int keptOutputs, int keptInputs, long zeroedWeights, String note,
    int bits, int group) {

  /** A choice with float weights. */
  public LayerChoice(CompressibleLayer layer, PlanEntry entry, Method method, int rank,
      int rankIn, int rankOut, int keptOutputs, int keptInputs, long zeroedWeights, String note) {
    this(layer, entry, method, rank, rankIn, rankOut, keptOutputs, keptInputs, zeroedWeights, note,
        0, 0);
  }

  /** A layer left as it is (but possibly with fewer inputs). */
  static LayerChoice dense(CompressibleLayer l, PlanEntry entry, int keptInputs, String note) {
    return new LayerChoice(l, entry, null, 0, 0, 0, l.outputs(), keptInputs, 0, note);
  }

  /** This choice with its weights quantized ({@code bits} 0: float). */
  LayerChoice withBits(int bits, int group) {
    return new LayerChoice(layer, entry, method, rank, rankIn, rankOut, keptOutputs, keptInputs,
        zeroedWeights, note, bits, bits == 0 ? 0 : group);
  }

  /**
   * True if the layer's weight is exactly the original one (no method, no removed inputs, not
   * quantized).
   */
  public boolean untouched() {
    return method == null && bits == 0 && keptInputs == layer.inputs();
  }

  /** True if the layer's weights are stored as integer codes. */
  public boolean quantized() {
    return bits > 0;
  }

  public String name() {
    return layer.name();
  }
}

package io.bocomp.engine.cpu;

/**
 * Builds the kernel of a step that runs on the blocked layout ({@link BlockedPlan} decided which
 * ones): a Conv (with its fused residual and activation) is {@link BlockedConvKernel}, or {@link
 * BlockedDepthwiseKernel} when depthwise; pooling is
 * {@link BlockedPoolKernel}; an Add or an activation is {@link BlockedElementwiseKernel}. Loaded only when the Vector API is enabled.
 */
final class BlockedKernels {
  private BlockedKernels() {}

  /**
   * @param in the geometry of each blocked input of the step (null for the others: weights,
   *     bias, Clip bounds), the fused residual last
   * @param out the output's geometry
   */
  static Kernel create(KernelSpec spec, BlockedGeometry[] in, BlockedGeometry out, int threads) {
    String op = spec.node.opType();
    if (op.equals("Conv")) {
      BlockedGeometry residual = spec.residual ? in[in.length - 1] : null;
      ConvLayout l = new ConvLayout(spec);
      if (l.groups > 1) {
        return new BlockedDepthwiseKernel(spec, l, in[0], out, residual, threads);
      }
      return new BlockedConvKernel(spec, l, in[0], out, residual, threads);
    }
    if (BlockedPoolKernel.applies(op)) {
      return new BlockedPoolKernel(spec, in[0], out, threads);
    }
    if (op.equals("Add")) {
      return new BlockedElementwiseKernel(in[0], in[1], out, null);
    }
    return new BlockedElementwiseKernel(in[0], null, out, Activation.of(spec.node, spec.consts));
  }
}

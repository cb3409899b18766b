package io.bocomp.engine.cpu;

/**
 * What every convolution kernel on the blocked layout holds ({@link BlockedConvKernel},
 * {@link BlockedDepthwiseKernel}): the convolution's {@link ConvLayout}, the geometries of its
 * input, output and fused residual ({@link BlockedGeometry}; the residual's is null when none is
 * fused), the kernel input index of that residual (-1 without one) and the fused activation's
 * epilogue ({@link BlockedActivation}). A subclass checks that the geometries suit its loops and
 * packs its weights; this class only holds the shared description.
 *
 * <p>Limits: 2-D convolutions with a blocked output; the residual, when fused, is the kernel's
 * input just after the node's own inputs, as {@link KernelSpec#residual} defines it.
 */
abstract class BlockedConvolution implements Kernel {
  final ConvLayout l;
  final BlockedGeometry gx;
  final BlockedGeometry gy;
  final BlockedGeometry gr;
  final int residualInput;
  final BlockedActivation act;

  BlockedConvolution(KernelSpec spec, ConvLayout l, BlockedGeometry gx, BlockedGeometry gy,
      BlockedGeometry gr) {
    this.l = l;
    this.gx = gx;
    this.gy = gy;
    this.gr = gr;
    this.residualInput = spec.residual ? spec.node.inputs().size() : -1;
    this.act = new BlockedActivation(spec.activation, l.m);
  }
}

package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;
import java.util.Arrays;

/**
 * The fixed sizes of one Conv node as the kernels use them, its {@link Window2d} among them: a
 * 1-D convolution is a 2-D one with height 1. {@code kdim = C/groups * kh * kw} is the GEMM inner
 * dimension.
 */
final class ConvLayout extends Window2d {
  final int n;
  final int c;
  final int h;
  final int w;
  final int m;
  final int groups;
  final int cg;
  final int mg;
  final int oh;
  final int ow;
  final int kdim;

  ConvLayout(KernelSpec spec) {
    this(spec, geometry(spec));
  }

  private ConvLayout(KernelSpec spec, ConvGeometry g) {
    super(g, spec.in(0).length == 3, 0, 0);
    int[] x = spec.in(0);
    boolean oneD = x.length == 3;
    this.n = x[0];
    this.c = x[1];
    this.h = oneD ? 1 : x[2];
    this.w = oneD ? x[2] : x[3];
    this.m = spec.in(1)[0];
    this.groups = (int) spec.node.intAttr("group", 1);
    this.cg = c / groups;
    this.mg = m / groups;
    this.oh = oneD ? 1 : g.outSize(0);
    this.ow = g.outSize(oneD ? 0 : 1);
    this.kdim = cg * kh * kw;
  }

  private static ConvGeometry geometry(KernelSpec spec) {
    int[] x = spec.in(0);
    int[] wt = spec.in(1);
    if (x.length != 3 && x.length != 4) {
      throw spec.unsupported("Conv over " + (x.length - 2) + " spatial dimensions");
    }
    return ConvGeometry.of(spec.node, Arrays.copyOfRange(x, 2, x.length),
        Arrays.copyOfRange(wt, 2, wt.length));
  }

  int outPlane() {
    return oh * ow;
  }

  /** Input rows a band of {@code rows} output rows reads (stride and dilation applied). */
  int stagedRows(int rows) {
    return (rows - 1) * sh + (kh - 1) * dh + 1;
  }

  /** Width of a zero-padded staged input row: the input plus left and right padding. */
  int stagedWidth() {
    return Math.max(pl + w, (ow - 1) * sw + (kw - 1) * dw + 1);
  }
}

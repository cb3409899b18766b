package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;
import java.util.Arrays;

/**
 * The fixed sizes of one Conv node as the kernels use them: a 1-D convolution is a 2-D one with
 * height 1. {@code kdim = C/groups * kh * kw} is the GEMM inner dimension.
 */
final class ConvLayout {
  final int n;
  final int c;
  final int h;
  final int w;
  final int m;
  final int groups;
  final int cg;
  final int mg;
  final int kh;
  final int kw;
  final int sh;
  final int sw;
  final int dh;
  final int dw;
  final int pt;
  final int pl;
  final int oh;
  final int ow;
  final int kdim;

  ConvLayout(KernelSpec spec) {
    int[] x = spec.in(0);
    int[] wt = spec.in(1);
    if (x.length != 3 && x.length != 4) {
      throw spec.unsupported("Conv over " + (x.length - 2) + " spatial dimensions");
    }
    boolean oneD = x.length == 3;
    ConvGeometry g = ConvGeometry.of(spec.node, Arrays.copyOfRange(x, 2, x.length),
        Arrays.copyOfRange(wt, 2, wt.length));
    int s = oneD ? -1 : 0; // geometry index of the height dimension
    this.n = x[0];
    this.c = x[1];
    this.h = oneD ? 1 : x[2];
    this.w = oneD ? x[2] : x[3];
    this.m = wt[0];
    this.groups = (int) spec.node.intAttr("group", 1);
    this.cg = c / groups;
    this.mg = m / groups;
    this.kh = oneD ? 1 : g.kernel(0);
    this.kw = g.kernel(s + 1);
    this.sh = oneD ? 1 : g.stride(0);
    this.sw = g.stride(s + 1);
    this.dh = oneD ? 1 : g.dilation(0);
    this.dw = g.dilation(s + 1);
    this.pt = oneD ? 0 : g.padBegin(0);
    this.pl = g.padBegin(s + 1);
    this.oh = oneD ? 1 : g.outSize(0);
    this.ow = g.outSize(s + 1);
    this.kdim = cg * kh * kw;
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

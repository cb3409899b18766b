package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;

/**
 * The 2-D sliding window of a Conv or pooling node along H and W, as its kernels read it: kernel,
 * strides, dilations and begin/end pads ({@link ConvGeometry} of the node), shared by
 * {@link ConvLayout} and {@link PoolWindow}. A 1-D node's window is a 2-D one with H a window of
 * 1, stride and dilation 1, no padding; a global pool's window covers the input given, stride and
 * dilation 1, no padding.
 *
 * <p>Limits: two spatial axes at most; ConvTranspose derives its own pads
 * ({@link ConvTransposeKernel}).
 */
abstract class Window2d {
  final int kh;
  final int kw;
  final int sh;
  final int sw;
  final int dh;
  final int dw;
  /** Begin pads along H (top) and W (left). */
  final int pt;
  final int pl;
  /** End pads along H (bottom) and W (right). */
  final int pb;
  final int pr;

  /**
   * @param g the node's geometry, or null for a global window
   * @param oneD {@code g} has one spatial axis, W
   * @param globalKh window height of a global window
   * @param globalKw window width of a global window
   */
  Window2d(ConvGeometry g, boolean oneD, int globalKh, int globalKw) {
    int h = g == null || oneD ? -1 : 0; // H's axis in g; -1: none (global or 1-D)
    int w = g == null ? -1 : h + 1;
    this.kh = h >= 0 ? g.kernel(h) : g == null ? globalKh : 1;
    this.kw = w >= 0 ? g.kernel(w) : globalKw;
    this.sh = h >= 0 ? g.stride(h) : 1;
    this.sw = w >= 0 ? g.stride(w) : 1;
    this.dh = h >= 0 ? g.dilation(h) : 1;
    this.dw = w >= 0 ? g.dilation(w) : 1;
    this.pt = h >= 0 ? g.padBegin(h) : 0;
    this.pl = w >= 0 ? g.padBegin(w) : 0;
    this.pb = h >= 0 ? g.padEnd(h) : 0;
    this.pr = w >= 0 ? g.padEnd(w) : 0;
  }
}

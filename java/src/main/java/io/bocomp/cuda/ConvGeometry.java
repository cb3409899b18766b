package io.bocomp.cuda;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;

/**
 * The 2-D window geometry of ONNX Conv and pooling nodes: kernel, strides, dilations and the
 * top/left/bottom/right padding resolved from {@code pads} or {@code auto_pad}
 * (NOTSET, VALID, SAME_UPPER, SAME_LOWER), and the output size
 * floor((in + padBegin + padEnd - dilation*(k-1) - 1) / stride) + 1.
 */
record ConvGeometry(int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
    int padBottom, int padRight) {

  /**
   * Reads the window attributes of a 2-D Conv/MaxPool/AveragePool node for an input of h x w.
   *
   * @param kernel kernel size (kh, kw) from {@code kernel_shape} or the weight's shape
   */
  static ConvGeometry of(Node node, int[] kernel, int h, int w) {
    long[] strides = node.intsAttr("strides", new long[] {1, 1});
    long[] dilations = node.intsAttr("dilations", new long[] {1, 1});
    long[] pads = node.intsAttr("pads", new long[] {0, 0, 0, 0});
    if (kernel.length != 2 || strides.length != 2 || dilations.length != 2 || pads.length != 4) {
      throw new UnsupportedOperatorException(node.label() + ": the GPU backend runs 2-D windows "
          + "only (kernel rank " + kernel.length + ")");
    }
    int kh = kernel[0];
    int kw = kernel[1];
    int sh = (int) strides[0];
    int sw = (int) strides[1];
    int dh = (int) dilations[0];
    int dw = (int) dilations[1];
    if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1) {
      throw new ModelFormatException(node.label() + ": kernel, strides and dilations must be >= 1");
    }
    String autoPad = node.stringAttr("auto_pad", "NOTSET");
    switch (autoPad) {
      case "NOTSET":
        for (long p : pads) {
          if (p < 0) {
            throw new ModelFormatException(node.label() + ": negative padding");
          }
        }
        return new ConvGeometry(kh, kw, sh, sw, dh, dw, (int) pads[0], (int) pads[1],
            (int) pads[2], (int) pads[3]);
      case "VALID":
        return new ConvGeometry(kh, kw, sh, sw, dh, dw, 0, 0, 0, 0);
      case "SAME_UPPER":
      case "SAME_LOWER":
        boolean upper = autoPad.equals("SAME_UPPER");
        int[] ph = samePads(h, kh, sh, dh, upper);
        int[] pw = samePads(w, kw, sw, dw, upper);
        return new ConvGeometry(kh, kw, sh, sw, dh, dw, ph[0], pw[0], ph[1], pw[1]);
      default:
        throw new ModelFormatException(node.label() + ": unknown auto_pad '" + autoPad + "'");
    }
  }

  /** SAME padding: output ceil(in / stride); the odd pad goes to the end (upper) or start. */
  private static int[] samePads(int in, int k, int s, int d, boolean upper) {
    int out = (in + s - 1) / s;
    int total = Math.max(0, (out - 1) * s + d * (k - 1) + 1 - in);
    int small = total / 2;
    return upper ? new int[] {small, total - small} : new int[] {total - small, small};
  }

  int outH(int h) {
    return (h + padTop + padBottom - dh * (kh - 1) - 1) / sh + 1;
  }

  int outW(int w) {
    return (w + padLeft + padRight - dw * (kw - 1) - 1) / sw + 1;
  }

  boolean isPointwise() {
    return kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0
        && padBottom == 0 && padRight == 0;
  }
}

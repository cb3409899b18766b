package io.bocomp.model;

import java.util.Arrays;

/**
 * The resolved sliding-window geometry of a Conv or pooling node over its spatial dimensions:
 * kernel, strides, dilations, begin/end pads and output size, with ONNX's {@code auto_pad}
 * ({@code NOTSET}, {@code VALID}, {@code SAME_UPPER}, {@code SAME_LOWER}) and {@code ceil_mode}
 * applied. Shape inference and the CPU kernels share it, so both agree on every output size.
 *
 * <p>Output size per dimension, with {@code ek = (k - 1) * d + 1} the dilated kernel extent:
 * explicit pads give {@code floor((in + pb + pe - ek) / s) + 1} ({@code ceil} with ceil_mode, where
 * a last window that would start inside the end padding is dropped, as ONNX Runtime and PyTorch
 * do); {@code VALID} gives {@code floor((in - ek) / s) + 1}; {@code SAME_*} gives
 * {@code ceil(in / s)} with total padding {@code max(0, (out - 1) * s + ek - in)}, the odd unit at
 * the end for SAME_UPPER and at the beginning for SAME_LOWER. An unknown input size (-1) gives an
 * unknown output size and, for SAME_*, unknown pads (-1).
 */
public final class ConvGeometry {
  private final int[] kernel;
  private final int[] strides;
  private final int[] dilations;
  private final int[] padBegin;
  private final int[] padEnd;
  private final int[] inSize;
  private final int[] outSize;

  private ConvGeometry(int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd,
      int[] inSize, int[] outSize) {
    this.kernel = kernel;
    this.strides = strides;
    this.dilations = dilations;
    this.padBegin = padBegin;
    this.padEnd = padEnd;
    this.inSize = inSize;
    this.outSize = outSize;
  }

  /**
   * Resolves the geometry of {@code node} (a Conv, MaxPool or AveragePool).
   *
   * @param node the node; its attributes kernel_shape (optional when {@code kernelShape} is given),
   *     strides, dilations, pads, auto_pad and ceil_mode are read
   * @param inSpatial the input's spatial sizes (-1 where unknown)
   * @param kernelShape the kernel's spatial sizes from the weight tensor, or null to use the
   *     kernel_shape attribute (required for pools)
   * @throws ModelFormatException naming the node when attributes are missing, of the wrong length
   *     or give an empty output
   */
  public static ConvGeometry of(Node node, int[] inSpatial, int[] kernelShape) {
    int r = inSpatial.length;
    int[] k = kernelShape;
    long[] kAttr = node.intsAttr("kernel_shape", null);
    if (kAttr != null) {
      k = toInts(node, "kernel_shape", kAttr, r);
      if (kernelShape != null && !Arrays.equals(k, kernelShape)) {
        throw new ModelFormatException(node.label() + ": kernel_shape " + Arrays.toString(k)
            + " does not match the weight's spatial shape " + Arrays.toString(kernelShape));
      }
    }
    if (k == null) {
      throw new ModelFormatException(node.label() + " has no kernel_shape attribute");
    }
    for (int v : k) {
      if (v <= 0) {
        throw new ModelFormatException(node.label() + ": kernel size must be positive, got "
            + Arrays.toString(k));
      }
    }
    int[] s = filled(node, "strides", r, 1);
    int[] d = filled(node, "dilations", r, 1);
    for (int i = 0; i < r; i++) {
      if (s[i] <= 0 || d[i] <= 0) {
        throw new ModelFormatException(node.label() + ": strides and dilations must be positive");
      }
    }
    String autoPad = node.stringAttr("auto_pad", "NOTSET");
    boolean ceil = node.intAttr("ceil_mode", 0) != 0;
    int[] pb = new int[r];
    int[] pe = new int[r];
    int[] out = new int[r];
    long[] pads = node.intsAttr("pads", null);
    if (pads != null && !autoPad.equals("NOTSET") && !autoPad.isEmpty()) {
      for (long p : pads) {
        if (p != 0) {
          throw new ModelFormatException(node.label() + " sets both pads and auto_pad=" + autoPad);
        }
      }
    }
    for (int i = 0; i < r; i++) {
      int ek = (k[i] - 1) * d[i] + 1;
      int in = inSpatial[i];
      switch (autoPad) {
        case "":
        case "NOTSET":
          if (pads != null) {
            if (pads.length != 2 * r) {
              throw new ModelFormatException(node.label() + ": pads has " + pads.length
                  + " entries, expected " + 2 * r);
            }
            pb[i] = checkedPad(node, pads[i]);
            pe[i] = checkedPad(node, pads[i + r]);
          }
          out[i] = in < 0 ? -1 : explicitOut(in, pb[i], pe[i], ek, s[i], ceil);
          break;
        case "VALID":
          out[i] = in < 0 ? -1 : explicitOut(in, 0, 0, ek, s[i], ceil);
          break;
        case "SAME_UPPER":
        case "SAME_LOWER":
          if (in < 0) {
            out[i] = -1;
            pb[i] = -1;
            pe[i] = -1;
          } else {
            out[i] = (in + s[i] - 1) / s[i];
            int total = Math.max(0, (out[i] - 1) * s[i] + ek - in);
            boolean upper = autoPad.equals("SAME_UPPER");
            pb[i] = upper ? total / 2 : total - total / 2;
            pe[i] = total - pb[i];
          }
          break;
        default:
          throw new ModelFormatException(node.label() + ": unknown auto_pad '" + autoPad + "'");
      }
      if (in >= 0 && out[i] <= 0) {
        throw new ModelFormatException(node.label() + ": input size " + Arrays.toString(inSpatial)
            + " is too small for kernel " + Arrays.toString(k) + " (empty output)");
      }
    }
    return new ConvGeometry(k, s, d, pb, pe, inSpatial.clone(), out);
  }

  private static int explicitOut(int in, int pb, int pe, int ek, int s, boolean ceil) {
    long span = (long) in + pb + pe - ek;
    if (span < 0) {
      return 0;
    }
    long out = ceil ? (span + s - 1) / s + 1 : span / s + 1;
    if (ceil && (out - 1) * s >= (long) in + pb) {
      out--; // the last window would start in the end padding
    }
    return (int) out;
  }

  private static int checkedPad(Node node, long p) {
    if (p < 0 || p > Integer.MAX_VALUE) {
      throw new ModelFormatException(node.label() + ": negative or huge pad " + p);
    }
    return (int) p;
  }

  private static int[] filled(Node node, String key, int r, int dflt) {
    long[] v = node.intsAttr(key, null);
    if (v == null) {
      int[] a = new int[r];
      Arrays.fill(a, dflt);
      return a;
    }
    return toInts(node, key, v, r);
  }

  private static int[] toInts(Node node, String key, long[] v, int r) {
    if (v.length != r) {
      throw new ModelFormatException(node.label() + ": " + key + " has " + v.length
          + " entries, expected " + r);
    }
    int[] a = new int[r];
    for (int i = 0; i < r; i++) {
      if (v[i] > Integer.MAX_VALUE || v[i] < Integer.MIN_VALUE) {
        throw new ModelFormatException(node.label() + ": " + key + " value out of range");
      }
      a[i] = (int) v[i];
    }
    return a;
  }

  /** Number of spatial dimensions. */
  public int rank() {
    return kernel.length;
  }

  public int kernel(int i) {
    return kernel[i];
  }

  public int stride(int i) {
    return strides[i];
  }

  public int dilation(int i) {
    return dilations[i];
  }

  /** Padding before dimension i (-1 when unknown). */
  public int padBegin(int i) {
    return padBegin[i];
  }

  /** Padding after dimension i (-1 when unknown). */
  public int padEnd(int i) {
    return padEnd[i];
  }

  public int inSize(int i) {
    return inSize[i];
  }

  /** Output size of dimension i (-1 when unknown). */
  public int outSize(int i) {
    return outSize[i];
  }

  /** All output spatial sizes. */
  public int[] outSizes() {
    return outSize.clone();
  }

  @Override
  public String toString() {
    return "ConvGeometry{k=" + Arrays.toString(kernel) + ", s=" + Arrays.toString(strides)
        + ", d=" + Arrays.toString(dilations) + ", pads=" + Arrays.toString(padBegin)
        + Arrays.toString(padEnd) + ", out=" + Arrays.toString(outSize) + "}";
  }
}

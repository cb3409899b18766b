package io.bocomp.model.op;

import io.bocomp.model.ConvGeometry;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import java.util.Arrays;

/** Shape rules of Conv, ConvTranspose and the pooling ops (used by {@link NnOps}). */
final class ConvShapes {
  private ConvShapes() {}

  static int[] conv(Node node, int[] x, int[] w, int[] b) {
    if (x == null) {
      return null;
    }
    if (x.length < 3) {
      throw new ModelFormatException(node.label() + ": input must be [N, C, spatial...], got "
          + Arrays.toString(x));
    }
    int r = x.length - 2;
    long group = node.intAttr("group", 1);
    if (group <= 0) {
      throw new ModelFormatException(node.label() + ": group must be positive, got " + group);
    }
    int[] kernel = null;
    int m = -1;
    if (w != null) {
      if (w.length != x.length) {
        throw new ModelFormatException(node.label() + ": weight " + Arrays.toString(w)
            + " and input " + Arrays.toString(x) + " differ in rank");
      }
      m = w[0];
      if (x[1] >= 0 && w[1] >= 0 && (long) w[1] * group != x[1]) {
        throw new ModelFormatException(node.label() + ": input has " + x[1]
            + " channels but weight " + Arrays.toString(w) + " with group " + group + " needs "
            + (long) w[1] * group);
      }
      if (m >= 0 && m % group != 0) {
        throw new ModelFormatException(node.label() + ": " + m + " output channels are not a"
            + " multiple of group " + group);
      }
      kernel = Arrays.copyOfRange(w, 2, w.length);
      for (int k : kernel) {
        if (k < 0) {
          kernel = null;
          break;
        }
      }
    }
    if (b != null && (b.length != 1 || (m >= 0 && b[0] >= 0 && b[0] != m))) {
      throw new ModelFormatException(node.label() + ": bias shape " + Arrays.toString(b)
          + " does not match " + m + " output channels");
    }
    if (kernel == null && !node.hasAttribute("kernel_shape")) {
      int[] out = new int[x.length];
      Arrays.fill(out, -1);
      out[0] = x[0];
      out[1] = m;
      return out;
    }
    ConvGeometry g = ConvGeometry.of(node, Arrays.copyOfRange(x, 2, x.length), kernel);
    int[] out = new int[r + 2];
    out[0] = x[0];
    out[1] = m;
    System.arraycopy(g.outSizes(), 0, out, 2, r);
    return out;
  }

  static int[] convTranspose(Node node, int[] x, int[] w) {
    if (x == null) {
      return null;
    }
    if (x.length < 3) {
      throw new ModelFormatException(node.label() + ": input must be [N, C, spatial...], got "
          + Arrays.toString(x));
    }
    int r = x.length - 2;
    long group = node.intAttr("group", 1);
    int[] out = new int[r + 2];
    Arrays.fill(out, -1);
    out[0] = x[0];
    if (w == null) {
      return out;
    }
    if (w.length != x.length) {
      throw new ModelFormatException(node.label() + ": weight " + Arrays.toString(w)
          + " and input " + Arrays.toString(x) + " differ in rank");
    }
    if (x[1] >= 0 && w[0] >= 0 && w[0] != x[1]) {
      throw new ModelFormatException(node.label() + ": input has " + x[1]
          + " channels but weight " + Arrays.toString(w) + " expects " + w[0]);
    }
    out[1] = w[1] < 0 ? -1 : (int) (w[1] * group);
    long[] outputShape = node.intsAttr("output_shape", null);
    long[] s = node.intsAttr("strides", null);
    long[] d = node.intsAttr("dilations", null);
    long[] op = node.intsAttr("output_padding", null);
    long[] pads = node.intsAttr("pads", null);
    String autoPad = node.stringAttr("auto_pad", "NOTSET");
    for (int i = 0; i < r; i++) {
      if (outputShape != null) {
        out[i + 2] = (int) outputShape[outputShape.length - r + i];
        continue;
      }
      int in = x[i + 2];
      if (in < 0 || w[i + 2] < 0) {
        continue;
      }
      long st = s == null ? 1 : s[i];
      long dl = d == null ? 1 : d[i];
      long opad = op == null ? 0 : op[i];
      long ek = (w[i + 2] - 1) * dl + 1;
      if (autoPad.startsWith("SAME")) {
        out[i + 2] = (int) (in * st);
      } else {
        long pb = pads == null || autoPad.equals("VALID") ? 0 : pads[i];
        long pe = pads == null || autoPad.equals("VALID") ? 0 : pads[i + r];
        out[i + 2] = (int) (st * (in - 1) + opad + ek - pb - pe);
      }
      if (out[i + 2] <= 0) {
        throw new ModelFormatException(node.label() + ": empty output for input "
            + Arrays.toString(x));
      }
    }
    return out;
  }

  static int[] pool(Node node, int[] x) {
    if (x == null) {
      return null;
    }
    if (x.length < 3) {
      throw new ModelFormatException(node.label() + ": input must be [N, C, spatial...], got "
          + Arrays.toString(x));
    }
    ConvGeometry g = ConvGeometry.of(node, Arrays.copyOfRange(x, 2, x.length), null);
    int[] out = new int[x.length];
    out[0] = x[0];
    out[1] = x[1];
    System.arraycopy(g.outSizes(), 0, out, 2, x.length - 2);
    return out;
  }

  static int[] globalPool(Node node, int[] x) {
    if (x == null) {
      return null;
    }
    if (x.length < 3) {
      throw new ModelFormatException(node.label() + ": input must be [N, C, spatial...], got "
          + Arrays.toString(x));
    }
    int[] out = new int[x.length];
    Arrays.fill(out, 1);
    out[0] = x[0];
    out[1] = x[1];
    return out;
  }
}

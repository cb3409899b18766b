package io.bocomp.train;

import io.bocomp.model.ConvGeometry;
import io.bocomp.model.Node;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * MaxPool and AveragePool (2-D, with strides, pads, dilations, ceil_mode and count_include_pad),
 * GlobalAveragePool and GlobalMaxPool (any spatial rank). Max pooling records the winning input of
 * each window in the forward pass (first maximum, as ONNX Runtime and PyTorch pick) and routes the
 * gradient there; average pooling spreads it evenly over the window's counted elements.
 */
final class PoolOp extends TrainOp {
  private final boolean max;
  private final boolean global;
  private final boolean countPad;
  private ConvGeometry geo;
  private int[] geoFor;

  PoolOp(Node node, Ref[] in, int out) {
    super(node, in, out);
    String op = node.opType();
    this.max = op.contains("Max");
    this.global = op.startsWith("Global");
    this.countPad = node.intAttr("count_include_pad", 0) != 0;
  }

  private ConvGeometry geometry(int[] xs) {
    int[] spatial = {xs[2], xs[3]};
    if (geo == null || !Arrays.equals(geoFor, spatial)) {
      geo = ConvGeometry.of(node, spatial, null);
      geoFor = spatial;
    }
    return geo;
  }

  @Override
  void forward(Workspace w) {
    int[] xs = in[0].shape(w);
    FloatBuffer x = in[0].data(w);
    int planes = xs[0] * xs[1];
    if (global) {
      int[] ys = xs.clone();
      Arrays.fill(ys, 2, ys.length, 1);
      int area = Buffers.size(xs) / Math.max(1, planes);
      FloatBuffer y = w.output(out, ys);
      int[] arg = max ? argmax(w, planes) : null;
      for (int p = 0; p < planes; p++) {
        int base = p * area;
        if (max) {
          int best = base;
          for (int i = base + 1; i < base + area; i++) {
            if (x.get(i) > x.get(best)) {
              best = i;
            }
          }
          arg[p] = best;
          y.put(p, x.get(best));
        } else {
          double s = 0;
          for (int i = base; i < base + area; i++) {
            s += x.get(i);
          }
          y.put(p, (float) (s / area));
        }
      }
      return;
    }
    ConvGeometry g = geometry(xs);
    int h = xs[2];
    int wd = xs[3];
    int oh = g.outSize(0);
    int ow = g.outSize(1);
    FloatBuffer y = w.output(out, new int[] {xs[0], xs[1], oh, ow});
    int[] arg = max ? argmax(w, planes * oh * ow) : null;
    float[] plane = w.heap(0, h * wd);
    float[] res = w.heap(1, oh * ow);
    if (max && halving(g, h, wd)) {
      maxPool2x2(x, y, arg, planes, h, wd, plane, res);
      return;
    }
    for (int p = 0; p < planes; p++) {
      int xb = p * h * wd;
      x.get(xb, plane, 0, h * wd);
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int o = oy * ow + ox;
          int y0 = oy * g.stride(0) - g.padBegin(0);
          int x0 = ox * g.stride(1) - g.padBegin(1);
          int best = -1;
          float bestV = Float.NEGATIVE_INFINITY;
          double sum = 0;
          int count = 0;
          for (int ky = 0; ky < g.kernel(0); ky++) {
            int iy = y0 + ky * g.dilation(0);
            boolean rowIn = iy >= 0 && iy < h;
            for (int kx = 0; kx < g.kernel(1); kx++) {
              int ix = x0 + kx * g.dilation(1);
              if (rowIn && ix >= 0 && ix < wd) {
                float v = plane[iy * wd + ix];
                if (best < 0 || v > bestV) {
                  best = iy * wd + ix;
                  bestV = v;
                }
                sum += v;
                count++;
              } else if (countPad && iy < h + g.padEnd(0) && ix < wd + g.padEnd(1)) {
                count++;
              }
            }
          }
          if (max) {
            arg[p * oh * ow + o] = best < 0 ? -1 : xb + best;
            res[o] = best < 0 ? 0f : bestV;
          } else {
            res[o] = count == 0 ? 0f : (float) (sum / count);
          }
        }
      }
      y.put(p * oh * ow, res, 0, oh * ow);
    }
  }

  /** True for the common 2x2, stride-2, unpadded, undilated window that drops no odd edge. */
  private static boolean halving(ConvGeometry g, int h, int wd) {
    for (int a = 0; a < 2; a++) {
      if (g.kernel(a) != 2 || g.stride(a) != 2 || g.dilation(a) != 1 || g.padBegin(a) != 0
          || g.padEnd(a) != 0) {
        return false;
      }
    }
    return g.outSize(0) == h / 2 && g.outSize(1) == wd / 2;
  }

  /**
   * 2x2/2 max pooling with the first maximum's index (row-major window order, as the general
   * loop picks), without data-dependent branches (which mispredict on activations): maxima by
   * {@code Math.max}, the index from 0/1 comparison results by arithmetic.
   */
  private static void maxPool2x2(FloatBuffer x, FloatBuffer y, int[] arg, int planes, int h,
      int wd, float[] plane, float[] res) {
    int oh = h / 2;
    int ow = wd / 2;
    for (int p = 0; p < planes; p++) {
      int xb = p * h * wd;
      x.get(xb, plane, 0, h * wd);
      int ob = p * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int i = 2 * oy * wd + 2 * ox;
          float a = plane[i];
          float b = plane[i + 1];
          float c = plane[i + wd];
          float e = plane[i + wd + 1];
          int right = b > a ? 1 : 0;
          int rightBelow = e > c ? 1 : 0;
          float top = Math.max(a, b);
          float below = Math.max(c, e);
          int down = below > top ? 1 : 0;
          float best = Math.max(top, below);
          int at = i + down * (wd + rightBelow) + (1 - down) * right;
          res[oy * ow + ox] = best;
          arg[ob + oy * ow + ox] = xb + at;
        }
      }
      y.put(ob, res, 0, oh * ow);
    }
  }

  private static int[] argmaxOf(Workspace w, int idx, int n) {
    Object s = w.state[idx];
    if (!(s instanceof int[]) || ((int[]) s).length < n) {
      s = new int[n];
      w.state[idx] = s;
    }
    return (int[]) s;
  }

  private int[] argmax(Workspace w, int n) {
    return argmaxOf(w, index, n);
  }

  @Override
  void backward(Workspace w) {
    FloatBuffer dx = in[0].grad(w);
    if (dx == null) {
      return;
    }
    int[] xs = in[0].shape(w);
    FloatBuffer dy = w.grad[out];
    int outN = Buffers.size(w.shape[out]);
    if (max) {
      int[] arg = (int[]) w.state[index];
      for (int o = 0; o < outN; o++) {
        if (arg[o] >= 0) {
          dx.put(arg[o], dx.get(arg[o]) + dy.get(o));
        }
      }
      return;
    }
    int planes = xs[0] * xs[1];
    if (global) {
      int area = Buffers.size(xs) / Math.max(1, planes);
      for (int p = 0; p < planes; p++) {
        float g = dy.get(p) / area;
        for (int i = p * area; i < (p + 1) * area; i++) {
          dx.put(i, dx.get(i) + g);
        }
      }
      return;
    }
    ConvGeometry g = geometry(xs);
    int h = xs[2];
    int wd = xs[3];
    int oh = g.outSize(0);
    int ow = g.outSize(1);
    for (int p = 0; p < planes; p++) {
      int xb = p * h * wd;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int y0 = oy * g.stride(0) - g.padBegin(0);
          int x0 = ox * g.stride(1) - g.padBegin(1);
          int count = 0;
          for (int ky = 0; ky < g.kernel(0); ky++) {
            int iy = y0 + ky * g.dilation(0);
            for (int kx = 0; kx < g.kernel(1); kx++) {
              int ix = x0 + kx * g.dilation(1);
              boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < wd;
              if (inside || countPad && iy < h + g.padEnd(0) && ix < wd + g.padEnd(1)) {
                count++;
              }
            }
          }
          if (count == 0) {
            continue;
          }
          float gv = dy.get((p * oh + oy) * ow + ox) / count;
          for (int ky = 0; ky < g.kernel(0); ky++) {
            int iy = y0 + ky * g.dilation(0);
            for (int kx = 0; kx < g.kernel(1); kx++) {
              int ix = x0 + kx * g.dilation(1);
              if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                int at = xb + iy * wd + ix;
                dx.put(at, dx.get(at) + gv);
              }
            }
          }
        }
      }
    }
  }
}

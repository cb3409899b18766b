package io.bocomp.data;

/**
 * Antialiased bilinear resizing and cropping of 8-bit images, written to give the bytes Pillow's
 * {@code Image.resize(size, Image.BILINEAR)} gives (Pillow's {@code Resample.c}, which torchvision's
 * {@code Resize(..., antialias=True)} calls on PIL images): a separable triangle filter whose support
 * grows with the scale factor when shrinking (so every input pixel contributes: area-averaging
 * rather than skipping), coefficients normalized to sum 1 and rounded to 22-bit fixed point, a
 * horizontal pass then a vertical one, each rounded and clamped to 0..255. Enlarging is plain
 * bilinear interpolation with pixel centres at half-integers and edge pixels repeated.
 */
public final class Resampler {
  private static final int PRECISION_BITS = 32 - 8 - 2;

  private Resampler() {}

  /** {@code in} resized to {@code width} x {@code height} (a copy when the size is unchanged). */
  public static Pixels resize(Pixels in, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("resize to " + width + "x" + height);
    }
    if (width == in.width() && height == in.height()) {
      return in;
    }
    Filter horizontal = Filter.of(in.width(), width);
    Filter vertical = Filter.of(in.height(), height);
    Pixels cur = in;
    if (width != in.width()) {
      // only the rows the vertical pass reads
      int first = vertical.min[0];
      int last = vertical.min[height - 1] + vertical.count[height - 1];
      cur = horizontalPass(cur, horizontal, first, last - first);
      vertical = vertical.shifted(-first);
    }
    if (height != in.height()) {
      cur = verticalPass(cur, vertical);
    }
    return cur;
  }

  /** The {@code width} x {@code height} block whose top-left pixel is ({@code left}, {@code top}). */
  public static Pixels crop(Pixels in, int left, int top, int width, int height) {
    if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > in.width()
        || top + height > in.height()) {
      throw new IllegalArgumentException("crop " + width + "x" + height + "+" + left + "+" + top
          + " of " + in.width() + "x" + in.height());
    }
    if (left == 0 && top == 0 && width == in.width() && height == in.height()) {
      return in;
    }
    int c = in.channels();
    byte[] out = new byte[width * height * c];
    for (int y = 0; y < height; y++) {
      System.arraycopy(in.data(), ((top + y) * in.width() + left) * c, out, y * width * c,
          width * c);
    }
    return new Pixels(width, height, c, out);
  }

  private static Pixels horizontalPass(Pixels in, Filter f, int firstRow, int rows) {
    int c = in.channels();
    int outW = f.min.length;
    byte[] src = in.data();
    byte[] out = new byte[outW * rows * c];
    for (int y = 0; y < rows; y++) {
      int rowStart = (firstRow + y) * in.width();
      for (int x = 0; x < outW; x++) {
        int min = f.min[x];
        int n = f.count[x];
        int k = x * f.ksize;
        for (int ch = 0; ch < c; ch++) {
          int acc = 1 << (PRECISION_BITS - 1);
          for (int i = 0; i < n; i++) {
            acc += (src[(rowStart + min + i) * c + ch] & 0xff) * f.weights[k + i];
          }
          out[(y * outW + x) * c + ch] = clip8(acc);
        }
      }
    }
    return new Pixels(outW, rows, c, out);
  }

  private static Pixels verticalPass(Pixels in, Filter f) {
    int c = in.channels();
    int w = in.width();
    int outH = f.min.length;
    byte[] src = in.data();
    byte[] out = new byte[w * outH * c];
    for (int y = 0; y < outH; y++) {
      int min = f.min[y];
      int n = f.count[y];
      int k = y * f.ksize;
      for (int x = 0; x < w; x++) {
        for (int ch = 0; ch < c; ch++) {
          int acc = 1 << (PRECISION_BITS - 1);
          for (int i = 0; i < n; i++) {
            acc += (src[((min + i) * w + x) * c + ch] & 0xff) * f.weights[k + i];
          }
          out[(y * w + x) * c + ch] = clip8(acc);
        }
      }
    }
    return new Pixels(w, outH, c, out);
  }

  private static byte clip8(int acc) {
    if (acc >= (1 << PRECISION_BITS << 8)) {
      return (byte) 255;
    }
    if (acc <= 0) {
      return 0;
    }
    return (byte) (acc >> PRECISION_BITS);
  }

  /** Per output pixel: the first input pixel read, how many, and their fixed-point weights. */
  private static final class Filter {
    final int[] min;
    final int[] count;
    final int[] weights;
    final int ksize;

    private Filter(int[] min, int[] count, int[] weights, int ksize) {
      this.min = min;
      this.count = count;
      this.weights = weights;
      this.ksize = ksize;
    }

    /** Pillow's precompute_coeffs with the bilinear (triangle, support 1) filter. */
    static Filter of(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = filterScale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] min = new int[outSize];
      int[] count = new int[outSize];
      int[] weights = new int[outSize * ksize];
      double[] w = new double[ksize];
      for (int xx = 0; xx < outSize; xx++) {
        double center = (xx + 0.5) * scale;
        double ss = 1.0 / filterScale;
        int xmin = Math.max(0, (int) (center - support + 0.5));
        int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
        double sum = 0;
        for (int x = 0; x < xmax; x++) {
          double t = Math.abs((x + xmin - center + 0.5) * ss);
          w[x] = t < 1.0 ? 1.0 - t : 0.0;
          sum += w[x];
        }
        for (int x = 0; x < xmax; x++) {
          double v = sum != 0.0 ? w[x] / sum : w[x];
          weights[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
              : (int) (0.5 + v * (1 << PRECISION_BITS));
        }
        min[xx] = xmin;
        count[xx] = xmax;
      }
      return new Filter(min, count, weights, ksize);
    }

    Filter shifted(int by) {
      int[] m = min.clone();
      for (int i = 0; i < m.length; i++) {
        m[i] += by;
      }
      return new Filter(m, count, weights, ksize);
    }
  }
}

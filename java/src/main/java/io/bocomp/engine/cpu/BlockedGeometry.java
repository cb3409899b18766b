package io.bocomp.engine.cpu;

import java.util.Arrays;

/**
 * How a 4-D activation {@code [N, C, H, W]} is stored in the blocked channel layout (NCHWc) that
 * the CPU engine keeps between its blocked kernels: per image, {@code CB = ceil(C / lanes)}
 * channel blocks, each a zero-bordered plane of {@code Hp x Wp} pixels whose {@code lanes}
 * channels are adjacent floats:
 *
 * <pre>
 *   a[base + n * imageStride + cb * blockStride + ((top + y) * Wp + (left + x)) * lanes + c % lanes]
 * </pre>
 *
 * with {@code Hp = top + H + bottom}, {@code Wp = left + W + right}. The border (halo) is as wide as
 * the zero padding of the convolutions that read the value, so they never test bounds; it and the
 * lanes past {@code C} in the last block are always zero (every producer writes them). {@code
 * lanes} is the vector width (16 floats with AVX-512, 8 with AVX2), or 1 for a plain padded NCHW
 * copy of a network input with few channels that only convolutions read (the first layer's
 * channels are not inflated to a whole block).
 *
 * <p>Values in this layout live in the executable's heap arena (a {@code float[]}), never in the
 * direct arena: the Vector API on JDK 17 is fastest on heap arrays.
 */
final class BlockedGeometry {
  final int n;
  final int c;
  final int h;
  final int w;
  final int lanes;
  final int blocks;
  final int top;
  final int left;
  final int bottom;
  final int right;
  final int hp;
  final int wp;
  final int blockStride;
  final int imageStride;

  /** @param nchw the value's shape {@code [N, C, H, W]} */
  BlockedGeometry(int[] nchw, int lanes, int top, int left, int bottom, int right) {
    this.n = nchw[0];
    this.c = nchw[1];
    this.h = nchw[2];
    this.w = nchw[3];
    this.lanes = lanes;
    this.blocks = (c + lanes - 1) / lanes;
    this.top = top;
    this.left = left;
    this.bottom = bottom;
    this.right = right;
    this.hp = top + h + bottom;
    this.wp = left + w + right;
    this.blockStride = Math.multiplyExact(Math.multiplyExact(hp, wp), lanes);
    this.imageStride = Math.multiplyExact(blocks, blockStride);
    Math.multiplyExact(n, imageStride);
  }

  /** The geometry of an NCHW shape with no border. */
  static BlockedGeometry of(int[] nchw, int lanes) {
    return new BlockedGeometry(nchw, lanes, 0, 0, 0, 0);
  }

  /** This geometry with each border at least as wide as the given one. */
  BlockedGeometry withBorder(int t, int l, int b, int r) {
    return new BlockedGeometry(new int[] {n, c, h, w}, lanes, Math.max(top, t),
        Math.max(left, l), Math.max(bottom, b), Math.max(right, r));
  }

  /** Floats the value occupies. */
  int size() {
    return n * imageStride;
  }

  /** Offset (from the value's base) of pixel (y, x) of block cb of image img. */
  int offset(int img, int cb, int y, int x) {
    return img * imageStride + cb * blockStride + ((top + y) * wp + left + x) * lanes;
  }

  /** True if nothing lies around the pixels (no border). */
  boolean borderless() {
    return top == 0 && left == 0 && bottom == 0 && right == 0;
  }

  /** Writes zeros over the border of image {@code img}, every block ({@code base}: the value's). */
  void zeroBorder(float[] a, int base, int img) {
    zeroBorder(a, base, img, 0, blocks);
  }

  /** Writes zeros over the border of blocks {@code [cb0, cb1)} of image {@code img}. */
  void zeroBorder(float[] a, int base, int img, int cb0, int cb1) {
    if (borderless()) {
      return;
    }
    int rowFloats = wp * lanes;
    for (int cb = cb0; cb < Math.min(cb1, blocks); cb++) {
      int plane = base + img * imageStride + cb * blockStride;
      if (top > 0) {
        Arrays.fill(a, plane, plane + top * rowFloats, 0f);
      }
      if (bottom > 0) {
        Arrays.fill(a, plane + (top + h) * rowFloats, plane + hp * rowFloats, 0f);
      }
      if (left > 0 || right > 0) {
        for (int y = top; y < top + h; y++) {
          int row = plane + y * rowFloats;
          if (left > 0) {
            Arrays.fill(a, row, row + left * lanes, 0f);
          }
          if (right > 0) {
            Arrays.fill(a, row + (left + w) * lanes, row + rowFloats, 0f);
          }
        }
      }
    }
  }

  /** True if both describe the same storage. */
  boolean sameStorage(BlockedGeometry o) {
    return n == o.n && c == o.c && h == o.h && w == o.w && lanes == o.lanes && top == o.top
        && left == o.left && bottom == o.bottom && right == o.right;
  }

  @Override
  public String toString() {
    return "[" + n + ", " + c + "/" + lanes + ", " + h + "+" + top + "+" + bottom + ", " + w + "+"
        + left + "+" + right + "]";
  }
}

package io.bocomp.model;

import java.util.Arrays;

/**
 * ONNX broadcasting rules on shapes (numpy style): multidirectional for Add/Sub/Mul/Div/MatMul
 * batch dimensions, unidirectional for PRelu's slope and Gemm's C. Dimensions of -1 are unknown:
 * an unknown dimension against 1 stays unknown, against a known {@code d > 1} becomes {@code d}.
 */
public final class Broadcast {
  private Broadcast() {}

  /**
   * The multidirectional broadcast of two shapes.
   *
   * @throws ModelFormatException naming {@code node} when two known dimensions differ and neither
   *     is 1
   */
  public static int[] shape(Node node, int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.length ? 1 : a[i - (r - a.length)];
      int db = i < r - b.length ? 1 : b[i - (r - b.length)];
      out[i] = dim(node, da, db, a, b);
    }
    return out;
  }

  private static int dim(Node node, int da, int db, int[] a, int[] b) {
    if (da == db) {
      return da;
    }
    if (da == 1) {
      return db;
    }
    if (db == 1) {
      return da;
    }
    if (da < 0) {
      return db;
    }
    if (db < 0) {
      return da;
    }
    throw new ModelFormatException(node.label() + ": shapes " + Arrays.toString(a) + " and "
        + Arrays.toString(b) + " cannot be broadcast together");
  }

  /**
   * Checks that {@code from} broadcasts unidirectionally to {@code target} (every known dimension of
   * {@code from}, right-aligned, is 1 or equals the target's), naming {@code what} in the error.
   */
  public static void checkUnidirectional(Node node, String what, int[] from, int[] target) {
    if (from.length > target.length) {
      throw new ModelFormatException(node.label() + ": " + what + " shape " + Arrays.toString(from)
          + " has more dimensions than " + Arrays.toString(target));
    }
    int off = target.length - from.length;
    for (int i = 0; i < from.length; i++) {
      int f = from[i];
      int t = target[i + off];
      if (f != 1 && f >= 0 && t >= 0 && f != t) {
        throw new ModelFormatException(node.label() + ": " + what + " shape "
            + Arrays.toString(from) + " does not broadcast to " + Arrays.toString(target));
      }
    }
  }
}
